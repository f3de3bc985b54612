/* The idle logout, seen coming (apps.users.views.session).
 *
 * The server ends a session that has had no request for a while (15 minutes in production,
 * renewed at most once a minute: data-ends-in is the earliest end after this page's request).
 * data-warn seconds before that, a dialog asks whether the customer is still there, with a
 * countdown: "Stay logged in" renews the session (a POST) and keeps the page as it is, with
 * whatever was being typed; "Log out now" logs out; no answer logs the page out and the login
 * page says why, leading back here. Every page of the same browser shares the time of the last
 * renewal (localStorage), so working in one tab keeps the others from warning or logging out.
 * The clock is checked every second rather than trusted to one timer, so a computer waking
 * from sleep logs out at once instead of counting on. */
(function () {
  "use strict";
  var dialog = document.getElementById("sessionTimeout");
  var logoutForm = document.getElementById("idleLogoutForm");
  if (!dialog || !logoutForm || !window.bootstrap) return;

  var KEY = "bankdash.session.renewedAt";
  var endsIn = Number(dialog.dataset.endsIn) * 1000;
  var warn = Number(dialog.dataset.warn) * 1000;
  var text = document.getElementById("sessionTimeoutText");
  var template = text.dataset.template;
  var error = dialog.querySelector("[data-session-error]");
  var stay = dialog.querySelector("[data-session-keep-alive]");
  var modal = bootstrap.Modal.getOrCreateInstance(dialog);
  var renewedAt = Date.now();
  var shown = false;
  var done = false;
  var timer;

  function shared() {
    try { return Number(window.localStorage.getItem(KEY)) || 0; } catch (e) { return 0; }
  }

  function share(time) {
    try { window.localStorage.setItem(KEY, String(time)); } catch (e) { /* private mode: this tab alone */ }
  }

  function countdown(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function logOut() {
    if (done) return;
    done = true;
    window.clearInterval(timer);
    logoutForm.submit();
  }

  function tick() {
    if (done) return;
    renewedAt = Math.max(renewedAt, shared());
    var left = renewedAt + endsIn - Date.now();
    if (left <= 0) {
      logOut();
    } else if (left <= warn) {
      text.textContent = template.replace("{time}", countdown(left));
      if (!shown) {
        shown = true;
        error.hidden = true;
        modal.show();
      }
    } else if (shown) {
      shown = false;
      modal.hide();
    }
  }

  function renewed() {
    renewedAt = Date.now();
    share(renewedAt);
    tick();
  }

  stay.addEventListener("click", function () {
    var token = logoutForm.querySelector("[name=csrfmiddlewaretoken]").value;
    stay.disabled = true;
    fetch(dialog.dataset.keepAliveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token },
    }).then(function (response) {
      if (response.status === 401) { logOut(); return; }
      if (!response.ok) throw new Error(response.status);
      renewed();
    }).catch(function () {
      error.hidden = false;
    }).then(function () {
      stay.disabled = false;
    });
  });

  dialog.addEventListener("shown.bs.modal", function () {
    dialog.setAttribute("role", "alertdialog");  // Bootstrap sets "dialog"; this one interrupts
    stay.focus();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) tick();
  });

  share(Math.max(renewedAt, shared()));  // this page's request renewed the session too
  timer = window.setInterval(tick, 1000);
})();

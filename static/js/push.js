/* The "Browser push" card of the notification settings (notifications/_push_section.html):
 * turns push on in this browser (asks permission, registers the service worker served at
 * data-service-worker, subscribes with the server's VAPID public key, sends the subscription
 * to data-subscribe-url) or off (tells data-unsubscribe-url, then unsubscribes), and marks this
 * browser in the list. A static file: the CSP allows no inline script. What it says comes from
 * the card's data-text-* attributes (translated in the template); the English here is the fallback.
 */
(function () {
  "use strict";

  var card = document.getElementById("push-card");
  if (!card || !card.dataset.publicKey) { return; }
  var status = document.getElementById("push-status");
  var onButton = document.getElementById("push-on");
  var offButton = document.getElementById("push-off");
  var scope = card.dataset.scope;

  // A message in the page's language: data-text-<name> of the card, with {placeholders} filled in.
  function text(name, fallback, values) {
    var key = "text" + name.replace(/(^|-)([a-z])/g, function (match, dash, letter) { return letter.toUpperCase(); });
    var message = card.dataset[key] || fallback;
    Object.keys(values || {}).forEach(function (placeholder) {
      message = message.split("{" + placeholder + "}").join(values[placeholder]);
    });
    return message;
  }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("text-danger", !!isError);
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(text("unsupported", "This browser cannot receive push notifications (on an iPhone or iPad, add BankDash to the Home Screen first)."));
    return;
  }
  if (!window.isSecureContext) {
    say(text("insecure", "Push notifications need BankDash to be opened over https."));
    return;
  }

  function keyBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function sameKey(buffer, bytes) {
    if (!buffer) { return false; }
    var current = new Uint8Array(buffer);
    if (current.length !== bytes.length) { return false; }
    for (var i = 0; i < bytes.length; i++) { if (current[i] !== bytes[i]) { return false; } }
    return true;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": card.dataset.csrfToken },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.error || text("refused", "BankDash did not accept it (error {status}).", { status: response.status })); }
        return data;
      });
    });
  }

  function activated(registration) {
    if (registration.active) { return Promise.resolve(registration); }
    var worker = registration.installing || registration.waiting;
    return new Promise(function (resolve, reject) {
      worker.addEventListener("statechange", function () {
        if (worker.state === "activated") { resolve(registration); }
        if (worker.state === "redundant") { reject(new Error(text("worker-failed", "The browser could not start BankDash's notification worker.")));  }
      });
    });
  }

  function currentSubscription() {
    return navigator.serviceWorker.getRegistration(scope).then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    });
  }

  function show(subscription) {
    var listed = false;
    document.querySelectorAll("#push-browsers [data-endpoint]").forEach(function (item) {
      var mine = !!subscription && item.dataset.endpoint === subscription.endpoint;
      item.querySelector("[data-this-browser]").hidden = !mine;
      listed = listed || mine;
    });
    onButton.hidden = listed;
    offButton.hidden = !listed;
    if (Notification.permission === "denied") {
      say(text("blocked", "Notifications are blocked for BankDash in this browser: allow them in the site settings, then reload this page."), true);
      onButton.hidden = true;
    }
  }

  function busy(button, on) { button.disabled = on; button.setAttribute("aria-busy", on ? "true" : "false"); }

  onButton.addEventListener("click", function () {
    var key = keyBytes(card.dataset.publicKey);
    busy(onButton, true);
    say(text("turning-on", "Turning push on…"));
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw new Error(text("not-allowed", "Notifications were not allowed. Allow them for BankDash in the browser's site settings, then try again."));
      }
      return navigator.serviceWorker.register(card.dataset.serviceWorker, { scope: scope });
    }).then(activated).then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        // Made with another server key (the keys were changed): it would be refused, make a new one.
        if (existing && !sameKey(existing.options.applicationServerKey, key)) {
          return existing.unsubscribe().then(function () { return null; });
        }
        return existing;
      }).then(function (existing) {
        return existing || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
          .catch(function (error) {
            throw new Error(text("register-failed", "This browser could not register for push notifications ({error}). " +
              "Private windows cannot receive them.", { error: error.message }));
          });
      });
    }).then(function (subscription) {
      return post(card.dataset.subscribeUrl, subscription.toJSON());
    }).then(function (data) {
      say(data.message);
      window.location.reload();
    }).catch(function (error) {
      say(error.message || text("on-failed", "Push could not be turned on."), true);
      busy(onButton, false);
    });
  });

  offButton.addEventListener("click", function () {
    busy(offButton, true);
    say(text("turning-off", "Turning push off…"));
    currentSubscription().then(function (subscription) {
      if (!subscription) { return { message: text("already-off", "Push is off in this browser.") }; }
      return post(card.dataset.unsubscribeUrl, { endpoint: subscription.endpoint }).then(function (data) {
        return subscription.unsubscribe().then(function () { return data; });
      });
    }).then(function (data) {
      say(data.message);
      window.location.reload();
    }).catch(function (error) {
      say(error.message || text("off-failed", "Push could not be turned off."), true);
      busy(offButton, false);
    });
  });

  currentSubscription().then(show).catch(function () { show(null); });
})();

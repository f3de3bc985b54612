/* BankDash: what an expense will do, shown on the expense form as the customer types.
 *
 * The form's page has <div id="expense-preview" data-url="..."> (only on "Add expense"); this
 * script asks that JSON endpoint (GET /dashboard/expense-preview) with the form's account,
 * amount, category and date, at most once per pause in typing, and shows the lines it returns
 * ("This takes Food to 112% of its monthly budget ...", "This leaves 12.40 USD in Checking,
 * and Rent (850.00 USD) is due on 1 Jan 2026."). The same lines come back in the confirmation
 * after saving. Text only (textContent): nothing from the server is parsed as HTML.
 */
(function () {
  "use strict";

  var DELAY = 350;
  var LEVELS = { info: "text-body-secondary", warning: "text-warning-emphasis", danger: "text-danger-emphasis" };

  function init() {
    var box = document.getElementById("expense-preview");
    if (!box || !window.fetch) { return; }
    var form = box.closest("form") || document.querySelector("main form[method='post']");
    if (!form) { return; }
    var url = box.getAttribute("data-url");
    var timer = null;
    var latest = 0;

    function value(name) {
      var field = form.elements.namedItem(name);
      return field && typeof field.value === "string" ? field.value.trim() : "";
    }

    function show(lines) {
      box.textContent = "";
      (lines || []).forEach(function (line) {
        var p = document.createElement("p");
        p.className = "small mb-1 " + (LEVELS[line.level] || LEVELS.info);
        p.textContent = line.text;
        box.appendChild(p);
      });
    }

    function ask() {
      var account = value("account");
      var amount = value("amount");
      if (!account || !amount) { show([]); return; }
      var params = new URLSearchParams({ account: account, amount: amount });
      if (value("category")) { params.set("category", value("category")); }
      if (/^\d{4}-\d{2}-\d{2}$/.test(value("occurred_on"))) { params.set("date", value("occurred_on")); }
      var mine = ++latest;
      fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { lines: [] }; })
        .then(function (data) { if (mine === latest) { show(data.lines); } })
        .catch(function () { if (mine === latest) { show([]); } });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    }

    ["account", "amount", "category", "occurred_on"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) {
        field.addEventListener("input", later);
        field.addEventListener("change", later);
      }
    });
    // A form sent back with its amount marked wrong says so under the field already: the
    // preview waits for the next keystroke instead of saying it a second time.
    var amount = form.elements.namedItem("amount");
    if (!(amount && amount.getAttribute("aria-invalid") === "true")) { ask(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

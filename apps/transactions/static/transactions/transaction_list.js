/* The transactions list (a static file: the CSP allows no inline script).
 *
 * - "Select every transaction on this page" ticks or unticks every row, and the bar says how
 *   many are ticked (the form works without this script: the ticked boxes are posted).
 * - After a quick entry (the page comes back at #quick, which names no element: a fragment that
 *   names one moves the focus to it once the page is shown) the first field takes the focus,
 *   ready for the next expense; after one with errors, the first field in error does.
 */
(function () {
  "use strict";

  var all = document.querySelector("[data-bulk-all]");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-bulk-row]"));
  var count = document.querySelector("[data-bulk-count]");

  function update() {
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    if (count) {
      // The texts come translated from the template (data-none, data-one, data-many with "{count}").
      var none = count.dataset.none || "Tick transactions to change several at once.";
      var one = count.dataset.one || "1 transaction ticked.";
      var many = count.dataset.many || "{count} transactions ticked.";
      count.textContent = ticked ? (ticked === 1 ? one : many.replace("{count}", String(ticked))) : none;
    }
    if (all) {
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  if (all) {
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
      update();
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  update();

  var quick = document.getElementById("quick-entry");
  if (quick) {
    // Enter sends the quick entry from any of its fields, the selects included (a browser
    // sends a form on Enter from a text field only): date, payee, amount, category, Enter.
    quick.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "SELECT" && !event.altKey) {
        event.preventDefault();
        if (quick.requestSubmit) { quick.requestSubmit(); } else { quick.submit(); }
      }
    });
    var invalid = quick.querySelector(".is-invalid");
    if (invalid) {
      invalid.focus();
    } else if (window.location.hash === "#quick") {
      var first = quick.querySelector("input:not([type=hidden]), select");
      if (first) { first.focus(); }
    }
  }
})();

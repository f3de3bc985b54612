/* BankDash: small behaviour every page shares (a static file: the CSP allows no inline script).
 *
 * A table too wide for the screen scrolls sideways inside its .table-responsive box. Keyboard
 * users can only scroll a box that can take the focus, so such a box becomes a focusable,
 * named region (WCAG 2.1.1; axe-core "scrollable-region-focusable"). Boxes that fit stay out
 * of the tab order.
 */
(function () {
  "use strict";

  // The words come from the page (base.html's <body data-*>, in the customer's language).
  var words = document.body ? document.body.dataset : {};

  function label(box) {
    var caption = box.querySelector("caption");
    return (caption && caption.textContent.trim()) || words.tableLabel || "Table";
  }

  function scrollsLabel(table) {
    return (words.scrollsLabel || "{table} (scrolls sideways)").replace("{table}", table);
  }

  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", scrollsLabel(label(box))); }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }

  update();
  var timer;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(update, 150); });
})();

/* BankDash: what every chart script shares (static/js/dashboard.js, static/js/insights.js,
 * static/js/forecast.js, apps/transactions/static/transactions/account_balance.js). Load it
 * after Chart.js and before them (all deferred, so in that order).
 *
 * Every chart reads its figures from what the page embeds with Django's json_script (no inline
 * script for the Content-Security-Policy to forbid). Amounts arrive as exact decimal strings and
 * become numbers only to be drawn: the table beside each chart holds the exact figures. Without
 * JavaScript, or if Chart.js fails to load, the tables stay open and the empty chart boxes hidden.
 *
 * Figures are written as the page writes them (apps.core.formats): the number in the customer's
 * format (the data's locale, "de-DE"), a space, and the unit the page puts after it ("USD" in
 * English, "€" in German), a negative one with a real minus sign.
 */
(function () {
  "use strict";
  var Chart = window.Chart;
  if (Chart) {
    // The theme's text and grid colours (static/js/theme.js redraws the charts when it changes).
    if (window.BankDashTheme) { window.BankDashTheme.chartDefaults(Chart); }
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      Chart.defaults.animation = false;
    }
  }

  // The colours of a chart's series where the data names none (a category without its own colour).
  var PALETTE = ["#0d6efd", "#dc3545", "#fd7e14", "#198754", "#6f42c1", "#20c997", "#ffc107", "#d63384",
                 "#0dcaf0", "#6c757d", "#6610f2", "#adb5bd"];

  /* The figures embedded under the element ``id``; null without them or without Chart.js. */
  function readData(id) {
    var node = document.getElementById(id);
    if (!node || typeof window.Chart === "undefined") { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function toNumbers(values) {
    return (values || []).map(function (v) { return Number.parseFloat(v); });
  }

  /* A function writing a figure with ``digits`` decimals as the page does (see above). */
  function formatter(locale, unit, digits) {
    var fmt, options = { minimumFractionDigits: digits, maximumFractionDigits: digits };
    try {
      fmt = new Intl.NumberFormat(locale || undefined, options);
    } catch (e) {
      fmt = new Intl.NumberFormat(undefined, options);
    }
    return function (value) {
      return fmt.format(value).replace("-", "\u2212") + (unit ? " " + unit : "");
    };
  }

  /* The canvas ``id``, shown, with its table folded away (still one click away, and always read
   * by screen readers: the table comes right after the chart's box); null when there is none. */
  function canvas(id) {
    var found = document.getElementById(id);
    if (!found) { return null; }
    var box = found.closest("[data-chart-box]");
    if (box) {
      box.hidden = false;
      var table = box.nextElementSibling;
      if (table && table.matches("[data-chart-table]")) { table.open = false; }
    }
    return found;
  }

  /* ``draw()`` once the page is read (the scripts are deferred: usually at once). */
  function whenReady(draw) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", draw);
    } else {
      draw();
    }
  }

  window.BankDashCharts = { PALETTE: PALETTE, readData: readData, toNumbers: toNumbers, formatter: formatter,
                            canvas: canvas, whenReady: whenReady };
})();

/* BankDash dashboard charts.
 *
 * Reads the figures the page embeds with Django's json_script (#dashboard-data),
 * so there is no inline script for the Content-Security-Policy to forbid. There is
 * one chart per currency (amounts in two currencies are never drawn on one scale):
 * each entry names its canvas and its currency. Amounts
 * arrive as exact decimal strings; they become numbers here only to be drawn (the
 * tables beside each chart show the exact values). Without JavaScript, or if
 * Chart.js fails to load, the tables stay open and the empty chart boxes hidden.
 *
 * Figures are written as the page writes them (apps.core.formats): the number in the page's
 * locale (data.locale, "de-DE"), a space, and the unit the page puts after it (chart.unit:
 * "USD" in English, "€" in German), a negative one with a real minus sign. The legend's words
 * come translated in data.words; the English ones here are only the fallback.
 */
(function () {
  "use strict";
  // The theme's text and grid colours (static/js/theme.js redraws the charts when it changes).
  if (window.BankDashTheme && window.Chart) { window.BankDashTheme.chartDefaults(window.Chart); }

  var PALETTE = ["#0d6efd", "#dc3545", "#fd7e14", "#198754", "#6f42c1", "#20c997", "#ffc107", "#d63384",
                 "#0dcaf0", "#6c757d", "#6610f2", "#adb5bd"];

  function readData() {
    var node = document.getElementById("dashboard-data");
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function toNumbers(values) {
    return (values || []).map(function (v) { return Number.parseFloat(v); });
  }

  var WORDS = { income: "Income", spending: "Spending" };

  function word(data, key) {
    return (data.words && data.words[key]) || WORDS[key];
  }

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

  /* Show the chart, fold its table away (still one click, and always read by screen readers). */
  function reveal(canvas) {
    var box = canvas.closest("[data-chart-box]");
    if (!box) { return; }
    box.hidden = false;
    // The chart's own table comes right after it (a card holds one pair per currency).
    var table = box.nextElementSibling;
    if (table && table.matches("[data-chart-table]")) { table.open = false; }
  }

  function drawCategories(data, money) {
    var canvas = document.getElementById(data.canvas);
    if (!canvas || !data.labels || !data.labels.length) { return; }
    reveal(canvas);
    new window.Chart(canvas, {
      type: "doughnut",
      data: {
        labels: data.labels,
        datasets: [{
          data: toNumbers(data.values),
          // The customer's colour for a category where they chose one (data.colours), else the palette.
          backgroundColor: data.labels.map(function (_, i) {
            return (data.colours && data.colours[i]) || PALETTE[i % PALETTE.length];
          }),
          borderWidth: 1
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: "right" },
          tooltip: { callbacks: { label: function (ctx) { return ctx.label + ": " + money(ctx.parsed); } } }
        }
      }
    });
  }

  function drawHistory(data, money, tick, words) {
    var canvas = document.getElementById(data.canvas);
    if (!canvas || !data.labels) { return; }
    reveal(canvas);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: words.income, data: toNumbers(data.income), backgroundColor: "#198754" },
          { label: words.spending, data: toNumbers(data.spending), backgroundColor: "#dc3545" }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return tick(v); } } } },
        plugins: {
          tooltip: {
            callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money(ctx.parsed.y); } }
          }
        }
      }
    });
  }

  function init() {
    var data = readData();
    if (!data || typeof window.Chart === "undefined") { return; }
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      window.Chart.defaults.animation = false;
    }
    var words = { income: word(data, "income"), spending: word(data, "spending") };
    (data.categories || []).forEach(function (chart) {
      drawCategories(chart, formatter(data.locale, chart.unit || chart.currency, 2));
    });
    (data.history || []).forEach(function (chart) {
      var unit = chart.unit || chart.currency;
      drawHistory(chart, formatter(data.locale, unit, 2), formatter(data.locale, unit, 0), words);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

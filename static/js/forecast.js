/* BankDash: an account's forecast chart (apps/bills/templates/bills/_account_forecast.html).
 *
 * Reads the figures the page embeds with Django's json_script (#forecast-data): no inline
 * script for the Content-Security-Policy to forbid. Amounts arrive as exact decimal strings;
 * they become numbers here only to be drawn (the table beside the chart has the exact values).
 * The lowest point is marked, and said in the chart's title for screen readers and print.
 * Without JavaScript, or if Chart.js fails to load, the table stays open and the chart box hidden.
 * The words it draws come translated from the canvas's data-label-* attributes (English here
 * only as a fallback), and figures are written in the page's language (data-locale).
 */
(function () {
  "use strict";
  // The theme's text and grid colours (static/js/theme.js redraws the charts when it changes).
  if (window.BankDashTheme && window.Chart) { window.BankDashTheme.chartDefaults(window.Chart); }

  function readData() {
    var node = document.getElementById("forecast-data");
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function toNumbers(values) {
    return (values || []).map(function (v) { return Number.parseFloat(v); });
  }

  function formatter(currency, locale) {
    var fmt;
    try {
      fmt = new Intl.NumberFormat(locale, { style: "currency", currency: currency });
    } catch (e) {
      fmt = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    return function (value) { return fmt.format(value); };
  }

  function draw(data) {
    var canvas = document.getElementById(data.canvas);
    if (!canvas || !data.labels || !data.labels.length) { return; }
    var box = canvas.closest("[data-chart-box]");
    if (box) {
      box.hidden = false;
      var table = box.nextElementSibling;
      if (table && table.matches("[data-chart-table]")) { table.open = false; }
    }
    var words = canvas.dataset;
    var money = formatter(data.currency, words.locale || undefined);
    var balances = toNumbers(data.balances);
    var floor = Number.parseFloat(data.floor);
    var low = data.lowest_index;
    var radius = balances.map(function (_, i) { return i === low ? 6 : 0; });
    var datasets = [{
      label: words.labelBalance || "Projected balance",
      data: balances,
      stepped: true,
      borderColor: "#0d6efd",
      backgroundColor: "#0d6efd",
      pointRadius: radius,
      pointHoverRadius: 5,
      pointBackgroundColor: balances.map(function (v, i) { return i === low ? "#dc3545" : "#0d6efd"; }),
      pointStyle: balances.map(function (_, i) { return i === low ? "rectRot" : "circle"; })
    }];
    if (data.estimated) {
      datasets.push({
        label: words.labelEstimate || "With usual spending (estimate)",
        data: toNumbers(data.estimated),
        borderColor: "#fd7e14",
        backgroundColor: "#fd7e14",
        borderDash: [6, 4],
        pointRadius: 0,
        pointHoverRadius: 4
      });
    }
    datasets.push({
      label: words.labelBuffer || "Your buffer",
      data: balances.map(function () { return floor; }),
      borderColor: "#dc3545",
      backgroundColor: "#dc3545",
      borderDash: [2, 3],
      borderWidth: 1,
      pointRadius: 0,
      pointHoverRadius: 0
    });
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { ticks: { callback: function (v) { return money(v); } } } },
        plugins: {
          title: { display: true, text: data.lowest_text },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var text = ctx.dataset.label + ": " + money(ctx.parsed.y);
                return ctx.datasetIndex === 0 && ctx.dataIndex === low ? text + " " + (words.labelLowest || "(lowest)") : text;
              }
            }
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
    draw(data);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* An account's month-end balances as a line chart.
 *
 * Reads the figures the page embeds with Django's json_script (#account-balance-data): no
 * inline script for the Content-Security-Policy to forbid. Amounts arrive as exact decimal
 * strings and become numbers only to be drawn; the table beside the chart shows the exact
 * values. Without JavaScript, or if Chart.js fails to load, the table stays open and the
 * empty chart box hidden.
 */
(function () {
  "use strict";

  function draw() {
    var node = document.getElementById("account-balance-data");
    if (!node || !window.Chart) { return; }
    var data;
    try { data = JSON.parse(node.textContent); } catch (e) { return; }
    var canvas = document.getElementById(data.canvas);
    if (!canvas || !data.labels || !data.labels.length) { return; }
    var box = canvas.closest("[data-chart-box]");
    if (box) {
      box.hidden = false;
      var table = box.nextElementSibling;
      if (table && table.matches("[data-chart-table]")) { table.open = false; }
    }
    // The page's language (<html lang>) and its translated label (data-label on the canvas).
    var lang = document.documentElement.lang || undefined;
    var money;
    try {
      money = new Intl.NumberFormat(lang, { style: "currency", currency: data.currency });
    } catch (e) {
      money = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{
          label: canvas.dataset.label || "Balance",
          data: data.values.map(function (v) { return Number.parseFloat(v); }),
          borderColor: "#0d6efd",
          backgroundColor: "#0d6efd",
          tension: 0.2
        }]
      },
      options: {
        responsive: true,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (ctx) { return money.format(ctx.parsed.y); } } }
        },
        scales: { y: { ticks: { callback: function (value) { return money.format(value); } } } }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

/* An account's month-end balances as a line chart (apps/transactions/templates/transactions/
 * account_detail.html): the figures of #account-balance-data, drawn with static/js/charts.js
 * (which says how figures are read and written); its label comes translated in the canvas's
 * data-label.
 */
(function () {
  "use strict";
  var charts = window.BankDashCharts;
  if (!charts) { return; }

  function draw() {
    var data = charts.readData("account-balance-data");
    if (!data || !data.labels || !data.labels.length) { return; }
    var canvas = charts.canvas(data.canvas);
    if (!canvas) { return; }
    var money = charts.formatter(data.locale, data.unit, 2);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{
          label: canvas.dataset.label || "Balance",
          data: charts.toNumbers(data.values),
          borderColor: "#0d6efd",
          backgroundColor: "#0d6efd",
          tension: 0.2
        }]
      },
      options: {
        responsive: true,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (ctx) { return money(ctx.parsed.y); } } }
        },
        scales: { y: { ticks: { callback: function (value) { return money(value); } } } }
      }
    });
  }

  charts.whenReady(draw);
})();

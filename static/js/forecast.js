/* BankDash: an account's forecast chart (apps/bills/templates/bills/_account_forecast.html).
 *
 * Draws the figures of #forecast-data with static/js/charts.js (which says how figures are read
 * and written). The lowest point is marked, and said in the chart's title for screen readers
 * and print. The words it draws come translated from the canvas's data-label-* attributes
 * (English here only as a fallback).
 */
(function () {
  "use strict";
  var charts = window.BankDashCharts;
  if (!charts) { return; }

  function draw(data) {
    if (!data.labels || !data.labels.length) { return; }
    var canvas = charts.canvas(data.canvas);
    if (!canvas) { return; }
    var words = canvas.dataset;
    var money = charts.formatter(data.locale, data.unit, 2);
    var balances = charts.toNumbers(data.balances);
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
        data: charts.toNumbers(data.estimated),
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

  charts.whenReady(function () {
    var data = charts.readData("forecast-data");
    if (data) { draw(data); }
  });
})();

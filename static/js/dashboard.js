/* BankDash dashboard charts.
 *
 * Draws the figures of #dashboard-data with static/js/charts.js (which says how figures are
 * read and written). There is one chart per currency (amounts in two currencies are never drawn
 * on one scale): each entry names its canvas, its currency and its unit. The legend's words come
 * translated in data.words; the English ones here are only the fallback.
 */
(function () {
  "use strict";
  var charts = window.BankDashCharts;
  if (!charts) { return; }

  var PALETTE = charts.PALETTE;
  var WORDS = { income: "Income", spending: "Spending" };

  function word(data, key) {
    return (data.words && data.words[key]) || WORDS[key];
  }

  function drawCategories(data, money) {
    if (!data.labels || !data.labels.length) { return; }
    var canvas = charts.canvas(data.canvas);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "doughnut",
      data: {
        labels: data.labels,
        datasets: [{
          data: charts.toNumbers(data.values),
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
    if (!data.labels) { return; }
    var canvas = charts.canvas(data.canvas);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: words.income, data: charts.toNumbers(data.income), backgroundColor: "#198754" },
          { label: words.spending, data: charts.toNumbers(data.spending), backgroundColor: "#dc3545" }
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
    var data = charts.readData("dashboard-data");
    if (!data) { return; }
    var words = { income: word(data, "income"), spending: word(data, "spending") };
    (data.categories || []).forEach(function (chart) {
      drawCategories(chart, charts.formatter(data.locale, chart.unit || chart.currency, 2));
    });
    (data.history || []).forEach(function (chart) {
      var unit = chart.unit || chart.currency;
      drawHistory(chart, charts.formatter(data.locale, unit, 2), charts.formatter(data.locale, unit, 0), words);
    });
  }

  charts.whenReady(init);
})();

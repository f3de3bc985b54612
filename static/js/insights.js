/* BankDash Insights page charts.
 *
 * Draws the figures of #insights-data with static/js/charts.js (which says how figures are read
 * and written). Every chart belongs to one currency (amounts in two currencies are never drawn
 * on one scale); the tables beside each chart hold the exact figures and their links. If the
 * Sankey plugin (chartjs-chart-sankey) fails to load, that chart's table stays open and its box
 * hidden. The legends' words come translated in data.words; the English ones here are only the
 * fallback.
 */
(function () {
  "use strict";
  var charts = window.BankDashCharts;
  if (!charts) { return; }

  var PALETTE = charts.PALETTE;
  var INCOME = "#198754", SPENDING = "#dc3545", NET = "#0d6efd", BEFORE = "#adb5bd";

  var WORDS = { income: "Income", spending: "Spending", net: "Net", change: "Change from last month",
                net_worth: "Net worth", flows: "Money flows" };
  var words = WORDS;

  function wordsOf(data) {
    var found = {};
    Object.keys(WORDS).forEach(function (key) {
      found[key] = (data.words && data.words[key]) || WORDS[key];
    });
    return found;
  }

  function moneyAxis(tick) {
    return { ticks: { callback: function (v) { return tick(v); } } };
  }

  function tooltip(money, axis) {
    return { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money(ctx.parsed[axis]); } } };
  }

  function drawCashFlow(data, money, tick) {
    var canvas = charts.canvas(data.canvas);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: words.income, data: charts.toNumbers(data.income), backgroundColor: INCOME, order: 2 },
          { label: words.spending, data: charts.toNumbers(data.spending), backgroundColor: SPENDING, order: 2 },
          { label: words.net, type: "line", data: charts.toNumbers(data.net), borderColor: NET, backgroundColor: NET, order: 1 }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false,
        scales: { y: moneyAxis(tick) },
        plugins: { tooltip: tooltip(money, "y") }
      }
    });
  }

  function drawCategories(data, money, tick) {
    var canvas = charts.canvas(data.canvas);
    if (!canvas || !data.series.length) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          // The customer's colour for the category where they chose one (s.colour), else the palette.
          return { label: s.name, data: charts.toNumbers(s.values), backgroundColor: s.colour || PALETTE[i % PALETTE.length] };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: Object.assign({ stacked: true, beginAtZero: true }, moneyAxis(tick)) },
        plugins: { tooltip: tooltip(money, "y") }
      }
    });
  }

  function drawChanges(data, money, tick) {
    var canvas = charts.canvas(data.canvas);
    if (!canvas || !data.labels.length) { return; }
    var values = charts.toNumbers(data.values);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: words.change, data: values,
                     backgroundColor: values.map(function (v) { return v > 0 ? SPENDING : INCOME; }) }]
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false,
        scales: { x: moneyAxis(tick) },
        plugins: { legend: { display: false }, tooltip: tooltip(money, "x") }
      }
    });
  }

  function drawMerchants(data, money, tick) {
    var canvas = charts.canvas(data.canvas);
    if (!canvas || !data.labels.length) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.before_label, data: charts.toNumbers(data.before), backgroundColor: BEFORE },
          { label: data.now_label, data: charts.toNumbers(data.now), backgroundColor: NET }
        ]
      },
      options: {
        indexAxis: "y", responsive: true, maintainAspectRatio: false,
        scales: { x: Object.assign({ beginAtZero: true }, moneyAxis(tick)) },
        plugins: { tooltip: tooltip(money, "x") }
      }
    });
  }

  function drawNetWorth(data, money, tick) {
    var canvas = charts.canvas(data.canvas);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: words.net_worth, data: charts.toNumbers(data.values), borderColor: NET, backgroundColor: NET,
                     fill: false, tension: 0.2 }]
      },
      options: {
        responsive: true, maintainAspectRatio: false,
        scales: { y: moneyAxis(tick) },
        plugins: { legend: { display: false }, tooltip: tooltip(money, "y") }
      }
    });
  }

  function nodeColour(key) {
    if (key === "hub") { return NET; }
    if (key === "saved") { return INCOME; }
    if (key === "drawn") { return BEFORE; }
    return key.indexOf("in:") === 0 ? INCOME : SPENDING;
  }

  function drawSankey(data, money) {
    // The plugin registers the "sankey" chart type when it loads; without it, the table stays.
    if (!data.flows.length || !window.Chart.registry.controllers.get("sankey")) { return; }
    var canvas = charts.canvas(data.canvas);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "sankey",
      data: {
        datasets: [{
          label: words.flows,
          data: data.flows.map(function (f) { return { from: f.from, to: f.to, flow: Number.parseFloat(f.flow) }; }),
          labels: data.labels,
          colorFrom: function (ctx) { return nodeColour(ctx.dataset.data[ctx.dataIndex].from); },
          colorTo: function (ctx) { return nodeColour(ctx.dataset.data[ctx.dataIndex].to); },
          colorMode: "gradient"
        }]
      },
      options: {
        responsive: true, maintainAspectRatio: false,
        plugins: {
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var item = ctx.dataset.data[ctx.dataIndex];
                return data.labels[item.from] + " → " + data.labels[item.to] + ": " + money(item.flow);
              }
            }
          }
        }
      }
    });
  }

  function init() {
    var data = charts.readData("insights-data");
    if (!data) { return; }
    words = wordsOf(data);
    (data.charts || []).forEach(function (chart) {
      var unit = chart.unit || chart.currency;
      var money = charts.formatter(data.locale, unit, 2), tick = charts.formatter(data.locale, unit, 0);
      drawCashFlow(chart.cash_flow, money, tick);
      drawCategories(chart.categories, money, tick);
      drawChanges(chart.changes, money, tick);
      drawMerchants(chart.merchants, money, tick);
      drawNetWorth(chart.net_worth, money, tick);
      drawSankey(chart.sankey, money);
    });
  }

  charts.whenReady(init);
})();

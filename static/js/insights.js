/* BankDash Insights page charts.
 *
 * Reads the figures the page embeds with Django's json_script (#insights-data), so there is
 * no inline script for the Content-Security-Policy to forbid. Every chart belongs to one
 * currency (amounts in two currencies are never drawn on one scale). Amounts arrive as exact
 * decimal strings; they become numbers here only to be drawn: the tables beside each chart
 * hold the exact figures and their links. Without JavaScript, or if Chart.js (or the Sankey
 * plugin, chartjs-chart-sankey) fails to load, the tables stay open and the chart boxes hidden.
 *
 * Figures are written as the page writes them (apps.core.formats): the number in the page's
 * locale (data.locale, "de-DE"), a space, and the unit the page puts after it (chart.unit:
 * "USD" in English, "€" in German), a negative one with a real minus sign. The legends' words
 * come translated in data.words; the English ones here are only the fallback.
 */
(function () {
  "use strict";
  // The theme's text and grid colours (static/js/theme.js redraws the charts when it changes).
  if (window.BankDashTheme && window.Chart) { window.BankDashTheme.chartDefaults(window.Chart); }

  var PALETTE = ["#0d6efd", "#dc3545", "#fd7e14", "#198754", "#6f42c1", "#20c997", "#ffc107", "#d63384",
                 "#0dcaf0", "#6c757d", "#6610f2", "#adb5bd"];
  var INCOME = "#198754", SPENDING = "#dc3545", NET = "#0d6efd", BEFORE = "#adb5bd";

  function readData() {
    var node = document.getElementById("insights-data");
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function toNumbers(values) {
    return (values || []).map(function (v) { return Number.parseFloat(v); });
  }

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

  /* The canvas, shown, with its table folded away (still one click away, and always read by
   * screen readers); null when the page has no such chart. */
  function canvasFor(id) {
    var canvas = document.getElementById(id);
    if (!canvas) { return null; }
    var box = canvas.closest("[data-chart-box]");
    if (box) {
      box.hidden = false;
      var table = box.nextElementSibling;
      if (table && table.matches("[data-chart-table]")) { table.open = false; }
    }
    return canvas;
  }

  function moneyAxis(tick) {
    return { ticks: { callback: function (v) { return tick(v); } } };
  }

  function tooltip(money, axis) {
    return { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money(ctx.parsed[axis]); } } };
  }

  function drawCashFlow(data, money, tick) {
    var canvas = canvasFor(data.canvas);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: words.income, data: toNumbers(data.income), backgroundColor: INCOME, order: 2 },
          { label: words.spending, data: toNumbers(data.spending), backgroundColor: SPENDING, order: 2 },
          { label: words.net, type: "line", data: toNumbers(data.net), borderColor: NET, backgroundColor: NET, order: 1 }
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
    var canvas = canvasFor(data.canvas);
    if (!canvas || !data.series.length) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          // The customer's colour for the category where they chose one (s.colour), else the palette.
          return { label: s.name, data: toNumbers(s.values), backgroundColor: s.colour || PALETTE[i % PALETTE.length] };
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
    var canvas = canvasFor(data.canvas);
    if (!canvas || !data.labels.length) { return; }
    var values = toNumbers(data.values);
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
    var canvas = canvasFor(data.canvas);
    if (!canvas || !data.labels.length) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.before_label, data: toNumbers(data.before), backgroundColor: BEFORE },
          { label: data.now_label, data: toNumbers(data.now), backgroundColor: NET }
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
    var canvas = canvasFor(data.canvas);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: words.net_worth, data: toNumbers(data.values), borderColor: NET, backgroundColor: NET,
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
    var canvas = canvasFor(data.canvas);
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
    var data = readData();
    if (!data || typeof window.Chart === "undefined") { return; }
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      window.Chart.defaults.animation = false;
    }
    words = wordsOf(data);
    (data.charts || []).forEach(function (chart) {
      var unit = chart.unit || chart.currency;
      var money = formatter(data.locale, unit, 2), tick = formatter(data.locale, unit, 0);
      drawCashFlow(chart.cash_flow, money, tick);
      drawCategories(chart.categories, money, tick);
      drawChanges(chart.changes, money, tick);
      drawMerchants(chart.merchants, money, tick);
      drawNetWorth(chart.net_worth, money, tick);
      drawSankey(chart.sankey, money);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

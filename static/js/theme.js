/* BankDash: light and dark themes (Bootstrap 5.3's colour modes, data-bs-theme on <html>).
 *
 * Loaded in <head>, before the page is painted, so a dark page never flashes white. The choice
 * (light, dark, or "auto": follow the system setting) is remembered in localStorage; "auto" also
 * follows the system when it changes while the page is open. Charts follow the theme: chart
 * scripts call BankDashTheme.chartDefaults(Chart) before drawing, and every chart on the page is
 * redrawn in the new colours when the theme changes.
 */
(function () {
  "use strict";

  var KEY = "bankdash-theme";
  var CHOICES = ["auto", "light", "dark"];
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var root = document.documentElement;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return CHOICES.indexOf(value) >= 0 ? value : "auto";
    } catch (e) {
      return "auto"; // storage refused (private mode): follow the system
    }
  }

  function resolve(choice) {
    if (choice === "light" || choice === "dark") { return choice; }
    return media && media.matches ? "dark" : "light";
  }

  function cssVar(name) {
    return window.getComputedStyle(root).getPropertyValue(name).trim();
  }

  function chartDefaults(Chart) {
    if (!Chart || !Chart.defaults) { return; }
    Chart.defaults.color = cssVar("--bs-body-color") || "#212529";
    Chart.defaults.borderColor = cssVar("--bs-border-color-translucent") || "rgba(0,0,0,.175)";
  }

  function redrawCharts() {
    var Chart = window.Chart;
    if (!Chart || !Chart.instances) { return; }
    chartDefaults(Chart);
    Object.keys(Chart.instances).forEach(function (id) {
      var chart = Chart.instances[id];
      ["x", "y", "r"].forEach(function (axis) {
        var scale = chart.options.scales && chart.options.scales[axis];
        if (scale) {
          if (scale.ticks) { scale.ticks.color = Chart.defaults.color; }
          if (scale.grid) { scale.grid.color = Chart.defaults.borderColor; }
        }
      });
      chart.update("none");
    });
  }

  function showChoice(choice) {
    document.querySelectorAll("button[data-theme-choice]").forEach(function (button) {
      var on = button.getAttribute("data-theme-choice") === choice;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.classList.toggle("active", on);
    });
    var label = document.getElementById("theme-current");
    if (label) {
      // The words come from the page (base.html's data-label-*, in the customer's language).
      var key = choice === "auto" ? "labelAuto" + (resolve(choice) === "dark" ? "Dark" : "Light")
        : (choice === "dark" ? "labelDark" : "labelLight");
      var fallback = { labelAutoDark: "System (dark)", labelAutoLight: "System (light)", labelDark: "Dark",
                       labelLight: "Light" };
      label.textContent = label.dataset[key] || fallback[key];
    }
  }

  function apply(choice) {
    var theme = resolve(choice);
    var changed = root.getAttribute("data-bs-theme") !== theme;
    // Switch at once: without this, buttons fade through in-between colours for .15 s
    // (Bootstrap's transitions), some of them unreadable.
    root.classList.add("bd-theme-switching");
    root.setAttribute("data-bs-theme", theme);
    void root.offsetHeight; // styles and layout computed now, with the transitions off
    window.setTimeout(function () { root.classList.remove("bd-theme-switching"); }, 0);
    root.setAttribute("data-theme-chosen", choice);
    if (document.readyState !== "loading") {
      showChoice(choice);
      if (changed) { redrawCharts(); }
    }
    if (changed) {
      document.dispatchEvent(new CustomEvent("bankdash:themechange", { detail: { theme: theme, choice: choice } }));
    }
  }

  function choose(choice) {
    try { window.localStorage.setItem(KEY, choice); } catch (e) { /* not remembered, still applied */ }
    apply(choice);
  }

  apply(stored());
  if (media && media.addEventListener) {
    media.addEventListener("change", function () { if (stored() === "auto") { apply("auto"); } });
  }
  // Another tab changed the theme.
  window.addEventListener("storage", function (event) { if (event.key === KEY) { apply(stored()); } });

  document.addEventListener("DOMContentLoaded", function () {
    showChoice(stored());
    document.querySelectorAll("button[data-theme-choice]").forEach(function (button) {
      button.addEventListener("click", function () { choose(button.getAttribute("data-theme-choice")); });
    });
  });

  window.BankDashTheme = { chartDefaults: chartDefaults, current: function () { return resolve(stored()); },
                           choose: choose, cssVar: cssVar };
})();

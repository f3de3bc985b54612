// The registration form's time zone: the browser's own (Intl), when it is one of the names the
// page offers (the <datalist id="time-zone-names">) and the field still holds the page's default.
// A page sent back with an error keeps what the customer typed: the server marks nothing, so
// the field is only filled when it has not been edited (its value equals its default value).
(function () {
  "use strict";
  var field = document.querySelector("input[data-browser-time-zone]");
  var list = document.getElementById("time-zone-names");
  if (!field || !list || !window.Intl || !Intl.DateTimeFormat) { return; }
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || field.value !== field.defaultValue || field.closest("form").querySelector(".is-invalid")) { return; }
  for (var i = 0; i < list.options.length; i += 1) {
    if (list.options[i].value === zone) { field.value = zone; return; }
  }
})();

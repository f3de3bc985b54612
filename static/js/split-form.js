// The split form (apps/transactions transaction_split): says, as the customer types, how much of
// the entry is not in a part yet (or how much the parts are over it), and adds rows in place of
// the "More rows" link, which reloads the page. The server checks the sum again: this only helps.
// Amounts are counted in whole cents (integers), never as binary fractions.
(function () {
  "use strict";
  const form = document.getElementById("split-form");
  if (!form) return;
  const out = document.getElementById("split-left");
  const list = document.getElementById("split-parts");
  const totalForms = form.querySelector('input[name$="-TOTAL_FORMS"]');
  const maxForms = parseInt(form.querySelector('input[name$="-MAX_NUM_FORMS"]').value, 10);
  const separator = form.dataset.decimal || ".";
  const words = JSON.parse(document.getElementById("split-words").textContent);
  const pattern = words.money;  // how the page writes money (apps.core.formats.money_pattern)

  // "1.234,56" or "12.5" (as the money field reads them, without thousands separators) -> cents, or null.
  function cents(text) {
    let value = text.trim().replace(/[\s\u00a0]/g, "");
    if (value === "") return 0;
    if (separator !== ".") value = value.replace(separator, ".");
    const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value);
    if (!match) return null;
    return parseInt(match[1], 10) * 100 + parseInt((match[2] || "0").padEnd(2, "0"), 10);
  }

  const total = cents(form.dataset.total);
  // Whole cents written as the server writes money: "1,234.50 USD" (en), "1.234,50 $" (de).
  function show(amount) {
    const whole = Math.floor(amount / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, pattern.group);
    return pattern.before + whole + pattern.decimal + String(amount % 100).padStart(2, "0") + pattern.after;
  }

  function update() {
    let shared = 0;
    for (const input of list.querySelectorAll('input[name$="-amount"]')) {
      const value = cents(input.value);
      if (value === null) { out.hidden = true; rest.hidden = true; return; }
      shared += value;
    }
    const left = total - shared;
    out.hidden = false;
    out.classList.toggle("text-success", left === 0);
    out.classList.toggle("text-danger", left < 0);
    out.textContent = left === 0 ? words.done : (left > 0 ? words.left : words.over).replace("%(amount)s", show(Math.abs(left)));
    // What is left can go into the first empty row in one click.
    const empty = emptyAmount();
    rest.hidden = !(left > 0 && empty);
    rest.textContent = words.rest.replace("%(amount)s", show(left));
    rest.dataset.cents = String(left);
  }

  function emptyAmount() {
    return Array.from(list.querySelectorAll('input[name$="-amount"]')).find((input) => input.value.trim() === "");
  }

  // The rest in cents, written as the customer types money ("12.50", "12,50" in German).
  function typed(amount) {
    return Math.floor(amount / 100) + separator + String(amount % 100).padStart(2, "0");
  }

  const rest = document.createElement("button");
  rest.type = "button";
  rest.className = "btn btn-sm btn-outline-secondary mb-3";
  rest.id = "split-rest";
  rest.hidden = true;
  out.after(rest);
  rest.addEventListener("click", () => {
    const input = emptyAmount();
    if (!input) return;
    input.value = typed(parseInt(rest.dataset.cents, 10));
    const select = input.closest("[data-split-part]").querySelector("select");
    update();
    if (select && !select.value) select.focus(); else input.focus();
  });

  function addRow() {
    const rows = list.querySelectorAll("[data-split-part]");
    const index = rows.length;
    if (index >= maxForms) return;
    const row = rows[rows.length - 1].cloneNode(true);
    for (const element of row.querySelectorAll("[name], [id], [for], [aria-describedby]")) {
      for (const attribute of ["name", "id", "for", "aria-describedby"]) {
        const value = element.getAttribute(attribute);
        if (value) element.setAttribute(attribute, value.replace(/-\d+-/, "-" + index + "-"));
      }
    }
    for (const element of row.querySelectorAll(".invalid-feedback, .is-invalid")) {
      if (element.classList.contains("invalid-feedback")) element.remove();
      else element.classList.remove("is-invalid");
    }
    for (const input of row.querySelectorAll("input")) input.value = "";
    for (const select of row.querySelectorAll("select")) select.value = "";
    row.querySelector("[data-part-legend]").textContent = words.part.replace("%(number)s", index + 1);
    list.appendChild(row);
    totalForms.value = index + 1;
    row.querySelector("input").focus();
    if (index + 1 >= maxForms) more.hidden = true;
  }

  list.addEventListener("input", update);
  const more = document.getElementById("split-more-rows");
  if (more) {
    more.addEventListener("click", (event) => { event.preventDefault(); addRow(); });
    more.setAttribute("role", "button");
  }
  update();
})();

// The transfer form (apps/transactions TransferForm): "Amount that arrives" is asked for only
// when the two accounts chosen are in different currencies, or when it already holds a value
// or an error. Each account's option carries its currency (apps.accounts.forms.AccountSelect).
(function () {
  "use strict";
  const from = document.getElementById("id_from_account");
  const to = document.getElementById("id_to_account");
  const field = document.getElementById("id_received_amount");
  if (!from || !to || !field) return;
  const box = document.getElementById("div_id_received_amount") || field.parentElement;
  const currency = (select) => (select.selectedOptions[0] && select.selectedOptions[0].dataset.currency) || "";

  function update() {
    const sent = currency(from);
    const arrives = currency(to);
    const twoCurrencies = sent !== "" && arrives !== "" && sent !== arrives;
    box.hidden = !(twoCurrencies || field.value.trim() !== "" || field.classList.contains("is-invalid"));
  }

  from.addEventListener("change", update);
  to.addEventListener("change", update);
  update();
})();

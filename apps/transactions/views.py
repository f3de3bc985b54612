"""Ledger pages. Views validate a form, call one service and redirect; every query is
scoped to the logged-in user, and another user's id answers 404."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods

from apps.accounts.models import Account
from apps.accounts.selectors import accounts_by_name
from apps.core import formats
from apps.core.forms import add_service_errors, offer
from apps.core.money import format_money
from apps.core.pagecache import cached_page

from . import extensions, selectors, services
from .filters import SORTABLE, TransactionFilter
from .forms import (
    AttachmentForm,
    CategoryEditForm,
    CategoryForm,
    CategoryMoveForm,
    EntryForm,
    QuickExpenseForm,
    TransactionEditForm,
    TransferForm,
    split_formset,
)
from .list_body import render_list_body
from .models import ATTACHMENTS_PER_ENTRY, Category, CategoryPreference, Transaction
from .pagination import CappedPaginator

PAGE_SIZE = 25
FORM_ERROR = gettext_lazy("Please correct the errors below.")


def _show_service_errors(form, error: ValidationError, field_map: dict | None = None) -> None:
    """The service's errors on the form; a date far ahead also shows the box that confirms it."""
    add_service_errors(form, error, field_map)
    if any(e.code == "far_future" for e in getattr(error, "error_dict", {}).get("occurred_on", [])):
        form.ask_to_confirm_far_future()


def _list_page(request, *, quick_form=None):
    """The transactions list: filtered, sorted and paginated as the query string says, with
    the quick-entry form (``quick_form`` bound when a quick entry came back with errors)."""
    filterset = TransactionFilter(
        request.GET or None, queryset=selectors.transaction_list(user=request.user), request=request
    )
    # The selects' choices, read once for the filters, the quick entry and the ticked rows.
    choices = selectors.list_choices(user=request.user)
    offer(filterset.form.fields["account"], choices.accounts)
    offer(filterset.form.fields["category"], choices.categories)
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    entries = filterset.qs
    # Across accounts a transfer is one line, its outgoing leg naming both accounts; on one
    # account (or asked for transfers in) each leg is that account's line.
    one_line_transfers = not data.get("account") and data.get("kind") != Transaction.Kind.TRANSFER_IN
    if one_line_transfers:
        entries = entries.exclude(kind=Transaction.Kind.TRANSFER_IN)
    # The count stops at pagination.COUNT_CAP rows: no page counts a whole long history.
    page = CappedPaginator(entries, PAGE_SIZE, read_rows=selectors.entries_by_ids).get_page(request.GET.get("page"))
    running = data["account"] if filterset.is_one_account_by_date() else None
    rows = selectors.list_rows(page.object_list, one_line_transfers=one_line_transfers, running_balance_of=running)
    active_filters = sum(bool(request.GET.get(name)) for name in filterset.filters if name != "sort")
    is_filtered = active_filters > 0
    # A filtered list adds up what it shows (the Insights page links here: its figure and this
    # total are the same rows); the whole history is not summed on every visit.
    totals = (selectors.list_totals(filterset.qs, default_currency=request.user.default_currency)
              if is_filtered and filterset.is_valid() else [])
    if quick_form is None:
        # Unfiltered, newest first, page 1: the rows are the newest entries of the whole ledger.
        newest = not is_filtered and page.number == 1 and data.get("sort") in (None, [], ["-date"])
        quick_form = _quick_form(request, choices=choices,
                                 newest_entries=[row.entry for row in rows] if newest else None)
    sort_headers, sort_caption = _sort_headers(request, (data.get("sort") or ["-date"])[0])
    shown = {
        "filterset": filterset, "page_obj": page, "rows": rows, "is_filtered": is_filtered, "totals": totals,
        "one_line_transfers": one_line_transfers, "running_balance": running is not None,
        "sort_headers": sort_headers, "sort_caption": sort_caption, "active_filters": active_filters,
        "quick_form": quick_form, "bulk_categories": choices.usable_categories,
    }
    # The page's body is Jinja2 (list_body.py); the context also names what it shows (the
    # pagination reads page_obj).
    return render(request, "transactions/transaction_list.html", {**shown, "body": render_list_body(request, **shown)})


@cached_page
def transaction_list(request):
    return _list_page(request)


@dataclass(frozen=True)
class SortHeader:
    href: str
    state: str | None  # "ascending" / "descending" for the column the list is sorted by (aria-sort)


def _sort_headers(request, current: str) -> tuple[dict[str, SortHeader], str]:
    """Each sortable column's link (the same filters, back to page 1) and the list's order in
    words for the table's caption. A first click sorts dates and amounts from the largest,
    names from A; a second click turns the order round."""
    headers, caption = {}, _("newest first")
    for _field, name, _heading in SORTABLE:
        active = current.lstrip("-") == name
        descending = current.startswith("-")
        if active:
            target = name if descending else f"-{name}"
            column = _sort_column_in_sentence(name)
            caption = (_("by %(column)s, descending") if descending else _("by %(column)s, ascending")) % {
                "column": column}
        else:
            target = f"-{name}" if name in ("date", "amount") else name
        query = request.GET.copy()
        query["sort"] = target
        query.pop("page", None)
        headers[name] = SortHeader(f"?{query.urlencode()}", ("descending" if descending else "ascending")
                                   if active else None)
    return headers, caption


def _sort_column_in_sentence(name: str) -> str:
    """A sortable column as the table's caption names it ("by payee, ascending")."""
    return {
        "date": pgettext("sort column in a sentence", "date"),
        "amount": pgettext("sort column in a sentence", "amount"),
        "payee": pgettext("sort column in a sentence", "payee"),
        "category": pgettext("sort column in a sentence", "category"),
    }.get(name, name)


def _quick_form(request, data=None, *, choices: selectors.ListChoices | None = None, newest_entries=None):
    """The list's quick entry of an expense (date, payee, amount, category, account, Enter).
    Its account: the one the list is filtered to, else the open account of the customer's
    latest expense (where the next one most likely goes), else their first open account.
    ``choices``: its selects' choices where the list has read them already;
    ``newest_entries``: the newest entries of the ledger, newest first, where the list shows them."""
    account = request.GET.get("account", "")
    initial = {"account": int(account)} if account.isascii() and account.isdigit() else {}
    offered = ({"open_accounts": choices.open_accounts, "categories": choices.categories_for(Transaction.Kind.EXPENSE)}
               if choices is not None else {})
    form = QuickExpenseForm(data, user=request.user, initial=initial, entry_kind=Transaction.Kind.EXPENSE,
                            prefix="quick", **offered)
    if not form.open_account_ids:
        return None
    if not form.initial.get("account"):  # one open account is already chosen by the form
        latest = selectors.latest_expense_account_id(user=request.user, newest_entries=newest_entries)
        form.initial["account"] = latest or min(form.open_account_ids)
    return form


@require_http_methods(["POST"])
def quick_expense(request):
    """The quick-entry row of the list: post the expense and come back to the same list
    (its filters in the query string), ready for the next one; errors show on the list with
    what was typed."""
    form = _quick_form(request, request.POST)
    if form is None:
        return redirect("transactions:expense")  # no account yet: the full form leads to opening one
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.expense_post(
                user=request.user, account_id=data["account"].pk, amount=data["amount"],
                category=data["category"], occurred_on=data["occurred_on"], description="",
                form_token=data["form_token"], confirm_far_future=data["confirm_far_future"],
                payee=data["payee"],
            )
        except ValidationError as exc:
            _show_service_errors(form, exc)
        else:
            amount = format_money(entry.amount, entry.account.currency)
            notes = extensions.expense_notes(user=request.user, entry=entry)
            recorded = _("Expense of %(amount)s recorded on “%(account)s”.") % {
                "amount": amount, "account": entry.account.name}
            messages.success(request, " ".join([recorded, *notes]))
            query = request.GET.urlencode()
            return redirect(f"{reverse('transactions:list')}{'?' + query if query else ''}#quick")
    messages.error(request, _("The expense was not added: please correct the quick entry below."))
    return _list_page(request, quick_form=form)


def _preselected_account(request):
    """``?account=<id>`` from an account page; another user's id answers 404."""
    account_id = request.GET.get("account")
    if not account_id:
        return None
    if not (account_id.isascii() and account_id.isdigit()):  # "²".isdigit() is True, int("²") fails
        raise Http404("No such account.")
    return get_object_or_404(Account, pk=account_id, owner=request.user).pk


def _money_form_page(request, form, title, submit_label, **extra):
    """A new entry's form, shown (again). A GET asks ``_open_an_account_first`` before making
    the form; a POST only here, when the form is to be shown again: a valid one names an open
    account (issue 17: one round trip less for every posting)."""
    if request.method == "POST" and (redirect_to := _open_an_account_first(request)) is not None:
        return redirect_to
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, "transactions/transaction_form.html", {
        "form": form, "title": title, "submit_label": submit_label, "cancel_url": reverse("transactions:list"),
        **extra,
    })


class _NoCategory(Exception):
    """No category chosen and none from the rules: the form shows the error."""


def _category_from_rules(request, form, *, kind):
    """The category (and payee) the user's rules choose for the entry typed in ``form``:
    (category, payee, rule name), or (None, ...) with the error on the form."""
    data = form.cleaned_data
    found = extensions.entry_rules(user=request.user, description=data["description"], payee=data["payee"],
                                   amount=data["amount"], kind=kind, account_id=data["account"].pk)
    category_id, rule_payee, rule_name = found if found else (None, "", "")
    category = Category.objects.for_user(request.user).filter(pk=category_id).first() if category_id else None
    if category is None:
        form.add_error("category", _("Your rule “%(rule)s” sets only the payee: choose a category.") % {
            "rule": rule_name} if found else _("No rule matched: choose a category."))
        return None, data["payee"], ""
    # A payee the customer typed wins over the rule's clean name.
    return category, data["payee"] or rule_payee, rule_name


def _open_an_account_first(request, open_accounts: list | None = None):
    """Without an open account, a money form would offer an empty list: send the customer to
    "Open an account" instead, and back here afterwards (``?next=``). None when they have one.
    Another customer's ``?account=`` answers 404 first, as it does for a customer with accounts.
    ``open_accounts``: the customer's open accounts, where the view has read them."""
    _preselected_account(request)
    if (bool(open_accounts) if open_accounts is not None
            else Account.objects.filter(owner=request.user, closed_on__isnull=True).exists()):
        return None
    messages.info(request, _("Open an account first: your money is recorded on one. You come back here afterwards."))
    return redirect(f"{reverse('accounts:create')}?{urlencode({'next': request.path})}")


def _entry_view(request, *, kind):
    open_accounts = None
    if request.method == "GET":
        # One query: whether to open an account first, the select's choices, and the only
        # account preselected when there is just one (EntryForm).
        open_accounts = accounts_by_name(user=request.user, open_only=True)
        if (redirect_to := _open_an_account_first(request, open_accounts)) is not None:
            return redirect_to
    is_income = kind == Transaction.Kind.INCOME
    preselected = _preselected_account(request)  # another customer's ?account= answers 404, a POST too
    initial = {"account": preselected} if request.method == "GET" else {}
    form = EntryForm(request.POST or None, user=request.user, initial=initial, entry_kind=kind,
                     rules_choose=extensions.entry_rules_enabled(request.user), open_accounts=open_accounts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        post = services.income_post if is_income else services.expense_post
        category, payee, rule_name = data["category"], data["payee"], ""
        if category is None:  # left to the user's rules (the field is required otherwise)
            category, payee, rule_name = _category_from_rules(request, form, kind=kind)
        try:
            if category is None:
                raise _NoCategory
            entry = post(
                user=request.user, account_id=data["account"].pk, amount=data["amount"],
                category=category, occurred_on=data["occurred_on"], description=data["description"],
                form_token=data["form_token"], confirm_far_future=data["confirm_far_future"],
                payee=payee,
            )
        except _NoCategory:
            pass  # the form says why
        except ValidationError as exc:
            _show_service_errors(form, exc)
        else:
            if rule_name:
                messages.info(request, _("Category “%(category)s” chosen by your rule “%(rule)s”.") % {
                    "category": entry.category.label,
                    "rule": rule_name})
            # A replayed token returns the first submission's entry: the same result again.
            amount = format_money(entry.amount, entry.account.currency)
            # The apps above the ledger (budgets, bills) add what the expense did: the same
            # lines the form previewed (apps.transactions.extensions).
            notes = [] if is_income else extensions.expense_notes(user=request.user, entry=entry)
            recorded = (_("Income of %(amount)s recorded on “%(account)s”.") if is_income
                        else _("Expense of %(amount)s recorded on “%(account)s”.")) % {
                "amount": amount, "account": entry.account.name}
            messages.success(request, " ".join([recorded, *notes]))
            if request.POST.get("then") == "split":  # "Add and split": share it out over categories next
                return redirect("transactions:split", pk=entry.pk)
            return redirect("accounts:detail", pk=entry.account_id)
    return _money_form_page(request, form, _("Add income") if is_income else _("Add expense"),
                            _("Add income") if is_income else _("Add expense"),
                            split_label=_("Add and split into categories"),
                            expense_preview_url=None if is_income else extensions.expense_preview_url())


@require_http_methods(["GET", "POST"])
def income_create(request):
    return _entry_view(request, kind=Transaction.Kind.INCOME)


@require_http_methods(["GET", "POST"])
def expense_create(request):
    return _entry_view(request, kind=Transaction.Kind.EXPENSE)


@require_http_methods(["GET", "POST"])
def transfer_create(request):
    if request.method == "GET" and (redirect_to := _open_an_account_first(request)) is not None:
        return redirect_to
    preselected = _preselected_account(request)  # another customer's ?account= answers 404, a POST too
    initial = {"from_account": preselected} if request.method == "GET" else {}
    form = TransferForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leg = services.transfer_create(
                user=request.user, from_account_id=data["from_account"].pk, to_account_id=data["to_account"].pk,
                amount=data["amount"], occurred_on=data["occurred_on"], description=data["description"],
                form_token=data["form_token"], confirm_far_future=data["confirm_far_future"],
                received_amount=data["received_amount"],
            )
        except ValidationError as exc:
            _show_service_errors(form, exc, {"account": "from_account"})
        else:
            amount, target = format_money(leg.amount, leg.account.currency), data["to_account"]
            if target.currency != leg.account.currency:
                arrived = format_money(data["received_amount"], target.currency)
                messages.success(request, _("Transferred %(amount)s from “%(source)s”; %(arrived)s arrived in "
                                            "“%(target)s”.") % {"amount": amount, "source": leg.account.name,
                                                                "arrived": arrived, "target": target.name})
            else:
                messages.success(request, _("Transferred %(amount)s from “%(source)s” to “%(target)s”.") % {
                    "amount": amount, "source": leg.account.name, "target": target.name})
            return redirect("accounts:detail", pk=leg.account_id)
    return _money_form_page(request, form, _("Transfer between your accounts"), pgettext("button", "Transfer"))


def _own_entry(request, pk) -> Transaction:
    entry = get_object_or_404(
        Transaction.objects.select_related("account", "category"), pk=pk, owner=request.user
    )
    if not services.entry_is_changeable(entry):
        raise Http404("This entry cannot be changed here.")
    return entry


@require_http_methods(["GET", "POST"])
def transaction_update(request, pk):
    entry = _own_entry(request, pk)
    form = TransactionEditForm(request.POST or None, user=request.user, entry=entry)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.transaction_edit(
                user=request.user, transaction_id=entry.pk, amount=data.get("amount"),  # None: a split entry's parts
                occurred_on=data["occurred_on"],
                description=data["description"], category=data.get("category"),
                account_id=data["account"].pk if data.get("account") else None,
                confirm_far_future=data["confirm_far_future"],
                # The customer's payee; emptied, it follows the description again.
                payee=data["payee"] if "payee" in form.fields else None,
                received_amount=data.get("received_amount"),  # a transfer between two currencies
            )
        except Transaction.DoesNotExist:
            raise Http404("No such transaction.") from None
        except ValidationError as exc:
            _show_service_errors(form, exc)
        else:
            messages.success(request, _("Transaction saved; balances updated."))
            return redirect("accounts:detail", pk=entry.account_id)
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, "transactions/transaction_form.html", {
        "form": form, "entry": entry, "title": _("Edit %(kind)s") % {"kind": entry.kind_in_sentence},
        "parts": (parts := selectors.split_parts(entry) if entry.split_id else None),
        "attachments": (attachments := selectors.entry_attachments(entry, parts=parts)),
        "can_attach": len(attachments) < ATTACHMENTS_PER_ENTRY, "attachment_form": AttachmentForm(),
        "can_split": entry.kind in services.SPLITTABLE_KINDS,
        "cancel_url": reverse("accounts:detail", kwargs={"pk": entry.account_id}),
    })


# Blank rows under the parts, for the new ones (the page's script adds more; without it,
# ``?rows=N`` asks for more).
SPLIT_BLANK_ROWS = 2


@require_http_methods(["GET", "POST"])
def transaction_split(request, pk):
    """Share an income or expense entry out over categories, or change how it is shared out;
    one part joins it back into one entry (services.entry_split)."""
    entry = _own_entry(request, pk)
    if entry.kind not in services.SPLITTABLE_KINDS:
        raise Http404("Only income and expenses can be split.")
    parts = selectors.split_parts(entry)
    total = sum(part.amount for part in parts)
    categories = selectors.split_choices(user=request.user, entry=entry, parts=parts)
    try:
        wanted_rows = int(request.GET.get("rows", 0))
    except ValueError:
        wanted_rows = 0
    initial = [{"amount": part.amount, "category": part.category_id} for part in parts]
    rows = min(services.MAX_PARTS, max(len(parts) + SPLIT_BLANK_ROWS, wanted_rows))
    initial += [{}] * (rows - len(initial))
    Formset = split_formset(max_parts=services.MAX_PARTS)
    formset = Formset(request.POST or None, initial=None if request.method == "POST" else initial,
                      form_kwargs={"user": request.user, "categories": categories})
    if request.method == "POST" and formset.is_valid():
        try:
            new_parts = services.entry_split(user=request.user, transaction_id=entry.pk, parts=formset.parts)
        except Transaction.DoesNotExist:
            raise Http404("No such transaction.") from None
        except ValidationError as exc:
            formset.non_form_errors().extend(exc.messages)
        else:
            currency = entry.account.currency
            if len(new_parts) == 1:
                messages.success(request, _("Joined back into one entry of %(amount)s.") % {
                    "amount": format_money(total, currency)})
            else:
                messages.success(request, _("Split into %(count)s parts: %(parts)s.") % {
                    "count": len(new_parts), "parts": ", ".join(
                        f"{part.category.label} {format_money(part.amount, currency)}" for part in new_parts)})
            return redirect("accounts:detail", pk=entry.account_id)
    if formset.is_bound and (formset.non_form_errors() or any(formset.errors)):
        messages.error(request, FORM_ERROR)
    return render(request, "transactions/transaction_split.html", {
        "entry": entry, "parts": parts, "total": total, "formset": formset,
        "more_rows_url": f"{reverse('transactions:split', kwargs={'pk': entry.pk})}?rows="
                         f"{min(services.MAX_PARTS, len(formset.forms) + 3)}",
        "can_add_rows": len(formset.forms) < services.MAX_PARTS, "max_parts": services.MAX_PARTS,
        "decimal_separator": formats.decimal_separator(),
        # The script's texts (static/js/split-form.js), which fills in their placeholders.
        "split_words": {"left": _("%(amount)s is not in a part yet."), "over": _("The parts are %(amount)s over."),
                        "done": _("The parts add up."), "part": _("Part %(number)s"),
                        "rest": _("Put %(amount)s in the next empty part"),
                        "money": formats.money_pattern(entry.account.currency)},
        "cancel_url": reverse("accounts:detail", kwargs={"pk": entry.account_id}),
    })


@require_http_methods(["GET", "POST"])
def transaction_delete(request, pk):
    entry = _own_entry(request, pk)
    parts = selectors.split_parts(entry) if entry.split_id else None
    if request.method == "POST":
        try:
            services.transaction_delete(user=request.user, transaction_id=entry.pk)
        except Transaction.DoesNotExist:
            raise Http404("No such transaction.") from None
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            total = sum(part.amount for part in parts) if parts else entry.amount
            amount = format_money(total, entry.account.currency)
            messages.success(request, _("%(kind)s of %(amount)s deleted; balances updated.") % {
                "kind": entry.get_kind_display(), "amount": amount})
            return redirect("accounts:detail", pk=entry.account_id)
    return render(request, "transactions/transaction_confirm_delete.html", {
        "entry": entry, "parts": parts, "attachments": selectors.entry_attachments(entry, parts=parts)})


@require_http_methods(["GET", "POST"])
def category_list(request):
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                category = services.category_create(user=request.user, name=data["name"], kind=data["kind"],
                                                    colour=data["colour"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Category “%(name)s” added.") % {"name": category.name})
                return redirect("transactions:categories")
        messages.error(request, FORM_ERROR)
    rows = selectors.category_rows(user=request.user)
    return render(request, "transactions/category_list.html", {
        "form": form,
        "categories": [(row, category_links(row.category)) for row in rows["categories"]],
        "hidden": [(row, category_links(row.category)) for row in rows["hidden"]],
    })


def _own_category(request, pk=None, name=None) -> Category:
    """The user's own category by id (another user's is 404), or a default one by name: the
    default categories are everyone's, so they are not addressed by an id that could be
    mistaken for one of another customer's objects."""
    if pk is not None:
        return get_object_or_404(Category, pk=pk, owner=request.user)
    return get_object_or_404(Category, name=name, owner__isnull=True)


def category_links(category) -> dict[str, str]:
    """The URLs of a category's pages: by id for the user's own, by name for a default one."""
    if category.is_default:
        kwargs, prefix = {"name": category.name}, "transactions:default_category_"
    else:
        kwargs, prefix = {"pk": category.pk}, "transactions:category_"
    links = {action: reverse(prefix + action, kwargs=kwargs) for action in ("update", "merge", "delete")}
    if category.is_default:
        links["show"] = reverse(prefix + "show", kwargs=kwargs)
    return links


@require_http_methods(["GET", "POST"])
def category_update(request, pk=None, name=None):
    category = _own_category(request, pk, name)
    preference = CategoryPreference.objects.filter(owner=request.user, category=category).first()
    colour = category.colour if not category.is_default else (preference.colour if preference else "")
    form = CategoryEditForm(request.POST or None, category=category,
                            initial={"name": category.name, "kind": category.kind, "colour": colour})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.category_update(user=request.user, category_id=category.pk, name=data["name"],
                                             kind=data.get("kind"), colour=data["colour"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if saved.pk != category.pk:
                messages.success(request, _("“%(old)s” is now your own category “%(new)s”; your entries moved to it.")
                                 % {"old": category.label, "new": saved.name})
            else:
                messages.success(request, _("Category “%(name)s” saved.") % {"name": saved.name})
            return redirect("transactions:categories")
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, "transactions/category_form.html", {
        "form": form, "category": category, "title": _("Edit “%(name)s”") % {"name": category.label},
        "submit_label": _("Save"), "cancel_url": reverse("transactions:categories"),
    })


@require_http_methods(["GET", "POST"])
def category_merge(request, pk=None, name=None):
    """Merge this category into another: everything of the user's moves, in one step."""
    return _move_page(request, _own_category(request, pk, name), deleting=False)


@require_http_methods(["GET", "POST"])
def category_delete(request, pk=None, name=None):
    """Delete (or, for a default one, hide) a category; one in use asks where its things go."""
    return _move_page(request, _own_category(request, pk, name), deleting=True)


def _move_page(request, category, *, deleting: bool):
    usage = services.category_usage(user=request.user, category=category)
    in_use = any(usage.values())
    # An empty POST (deleting, nothing chosen) is still a submitted form.
    form = CategoryMoveForm(request.POST if request.method == "POST" else None, user=request.user, source=category,
                            required=in_use or not deleting)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            if deleting:
                services.category_delete(user=request.user, category_id=category.pk,
                                         target_id=target.pk if target else None)
            else:
                services.category_merge(user=request.user, source_id=category.pk, target_id=target.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _moved_message(category, target, deleting=deleting))
            return redirect("transactions:categories")
    if form.errors:
        messages.error(request, FORM_ERROR)
    return render(request, "transactions/category_move.html", {
        "form": form, "category": category, "usage": usage, "in_use": in_use, "deleting": deleting,
        "links": category_links(category),
        "usage_text": services.usage_text(usage),
    })


def _moved_message(category, target, *, deleting: bool) -> str:
    """"Category “Food” merged; everything in it moved to “Groceries”." and its kin."""
    names = {"name": category.label, "target": target.label if target else ""}
    if category.is_default:
        text = (_("Category “%(name)s” hidden; everything in it moved to “%(target)s”.") if target
                else _("Category “%(name)s” hidden."))
    elif target and not deleting:
        text = _("Category “%(name)s” merged; everything in it moved to “%(target)s”.")
    else:
        text = (_("Category “%(name)s” deleted; everything in it moved to “%(target)s”.") if target
                else _("Category “%(name)s” deleted."))
    return text % names


@require_http_methods(["POST"])
def category_show(request, pk=None, name=None):
    category = _own_category(request, pk, name)
    services.category_show(user=request.user, category_id=category.pk)
    messages.success(request, _("Category “%(name)s” is shown in your lists and forms.") % {
        "name": category.label})
    return redirect("transactions:categories")

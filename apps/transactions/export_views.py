"""Exports: the transactions list as CSV (what its filters show), an account's whole history
as CSV, and an account's monthly statement as PDF. Another user's account answers 404; a bad
filter or month answers 400 or 404 with a page, never a file and never a 500."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.accounts.models import Account
from apps.core.dates import month_start, parse_month, shift_month, user_today

from . import exports, selectors
from .filters import TransactionFilter


def _csv_response(entries, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(exports.iter_bytes(exports.csv_rows(entries)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def transactions_csv(request):
    """The rows the transactions list shows for the same query string, every page of them."""
    filterset = TransactionFilter(request.GET or None, queryset=selectors.transaction_list(user=request.user),
                                  request=request)
    if request.GET and not filterset.is_valid():
        problems = "; ".join(f"{filterset.form.fields[name].label if name in filterset.form.fields else name}: "
                             f"{' '.join(errors)}" for name, errors in filterset.errors.items())
        return render(request, "400.html", {"message": _("These filters cannot be exported (%(problems)s).") % {
            "problems": problems}}, status=400)
    entries = filterset.qs.select_related(None)
    return _csv_response(entries, f"transactions-{user_today(request.user):%Y-%m-%d}.csv")


def _own_account(request, pk) -> Account:
    return get_object_or_404(Account, pk=pk, owner=request.user)


@require_GET
def account_csv(request, pk):
    """The whole history of one account."""
    account = _own_account(request, pk)
    entries = selectors.transaction_list(user=request.user).filter(account=account).select_related(None)
    return _csv_response(entries, f"account-{account.pk}-{user_today(request.user):%Y-%m-%d}.csv")


def statement_url(account_id: int, month: date) -> str:
    return reverse("accounts:statement", kwargs={"pk": account_id, "year": f"{month:%Y}", "month": f"{month:%m}"})


def _statement_month(year: int, month: int) -> date:
    try:
        return parse_month(f"{year:04d}-{month:02d}")
    except ValueError:
        raise Http404("No statement for that month: use YYYY-MM.") from None


@require_GET
def statement_redirect(request, pk):
    """The account page's month picker (``?month=YYYY-MM``) -> the statement's URL."""
    account = _own_account(request, pk)
    try:
        month = parse_month(request.GET.get("month", ""))
    except ValueError as error:
        return render(request, "400.html", {"message": _("Choose a month for the statement. %(error)s") % {
            "error": error}}, status=400)
    return redirect(statement_url(account.pk, month))


@require_GET
def account_statement_pdf(request, pk, year, month):
    account = _own_account(request, pk)
    first_day = _statement_month(year, month)
    if request.path != statement_url(account.pk, first_day):  # one address per statement: 2025-11, not 2025-011
        raise Http404("No statement for that month: use YYYY-MM.")
    if first_day > month_start(user_today(request.user)) or first_day < month_start(account.opened_on):
        raise Http404("No statement for that month.")
    statement = exports.statement_for(account=account, month=first_day)
    response = HttpResponse(exports.statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-{account.pk}-{first_day:%Y-%m}.pdf"'
    return response


def default_statement_month(user) -> str:
    """The month the account page's picker proposes: the previous one."""
    return f"{shift_month(user_today(user), -1):%Y-%m}"

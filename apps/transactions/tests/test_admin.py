from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from apps.accounts.models import Account
from apps.transactions.models import Attachment, Category, MonthlyTotal, Transaction
from tests.factories import AccountFactory, AuditorFactory, SupportFactory, UserFactory, expense

pytestmark = pytest.mark.django_db


def request_for(user, path="/admin/", **params):
    request = RequestFactory().get(path, params)
    request.user = user
    return request


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


def test_registered():
    for model in (Account, Transaction, Category, MonthlyTotal):
        assert admin.site.is_registered(model)


def test_nobody_adds_changes_or_deletes_money_rows(superuser):
    tx_admin = admin.site._registry[Transaction]
    account_admin = admin.site._registry[Account]
    for user in (SupportFactory(), AuditorFactory(), superuser):
        request = request_for(user)
        assert not tx_admin.has_add_permission(request)
        assert not tx_admin.has_delete_permission(request)
        assert not account_admin.has_add_permission(request)
        assert not account_admin.has_delete_permission(request)
    assert not tx_admin.has_change_permission(request_for(SupportFactory()))
    assert tx_admin.has_view_permission(request_for(SupportFactory()))
    # A superuser may fix a description, nothing that moves money.
    assert tx_admin.has_change_permission(request_for(superuser))
    request = request_for(superuser)
    editable = set(tx_admin.get_fields(request)) - set(tx_admin.get_readonly_fields(request))
    assert editable == {"description"}


def test_balance_is_read_only_and_admin_saves_never_touch_it(superuser):
    account = AccountFactory(opening_balance=Decimal("50.00"))
    account_admin = admin.site._registry[Account]
    request = request_for(superuser)
    assert "balance" in account_admin.get_readonly_fields(request, account)
    form_class = account_admin.get_form(request, account)
    assert "balance" not in form_class.base_fields
    stale = Account.objects.get(pk=account.pk)
    expense(account, "20.00")  # money moves while the admin page is open
    form = form_class({"name": "Renamed", "institution": "", "number_last4": "4321"}, instance=stale)
    assert form.is_valid(), form.errors
    account_admin.save_model(request, form.save(commit=False), form, change=True)
    account.refresh_from_db()
    assert (account.name, account.number_last4, account.balance) == ("Renamed", "4321", Decimal("30.00"))
    bad = form_class({"name": "x", "institution": "", "number_last4": "12"}, instance=stale)
    assert not bad.is_valid()


def test_superuser_description_fix_leaves_money_alone(superuser):
    account = AccountFactory(opening_balance=Decimal("50.00"))
    entry = expense(account, "20.00")
    tx_admin = admin.site._registry[Transaction]
    stale = Transaction.objects.get(pk=entry.pk)
    stale.amount = Decimal("1.00")  # even a tampered instance only saves its description
    stale.description = "fixed typo"
    tx_admin.save_model(request_for(superuser), stale, None, change=True)
    entry.refresh_from_db()
    assert (entry.description, entry.amount) == ("fixed typo", Decimal("20.00"))


@pytest.mark.parametrize("model", [Account, Transaction, Category, MonthlyTotal])
def test_changelists_render_with_filters_search_and_dates(model, superuser):
    account = AccountFactory(opening_balance=Decimal("50.00"))
    expense(account, "20.00", description="coffee")
    model_admin = admin.site._registry[model]
    request = request_for(superuser, q="coffee" if model is Transaction else "")
    response = model_admin.changelist_view(request)
    response.render()
    assert response.status_code == 200
    if model is Transaction:
        assert response.context_data["cl"].result_count == 1
    if model in (Account, Transaction):
        assert model_admin.list_filter and model_admin.search_fields and model_admin.date_hierarchy


def test_staff_see_which_receipts_an_entry_keeps_but_not_their_bytes(client):
    account = AccountFactory(opening_balance=Decimal("50.00"))
    entry = expense(account, "20.00", description="coffee")
    Attachment.objects.create(owner=account.owner, transaction=entry, name="till receipt.pdf",
                              content_type="application/pdf", size=2048, data=b"%PDF-secret")
    client.force_login(SupportFactory())
    html = client.get(reverse("admin:transactions_transaction_change", args=[entry.pk])).content.decode()
    assert "till receipt.pdf" in html and "2.0\xa0KB" in html and "PDF" in html
    assert "secret" not in html
    assert "attachments-0-name" not in html  # read-only: no input to change or add one

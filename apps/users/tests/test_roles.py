"""Roles as groups, and what each role may do in the admin."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from apps.transactions.models import Transaction
from apps.users.roles import AUDITOR, CUSTOMER, ROLES, SUPPORT, sync_roles
from tests.factories import AccountFactory, AuditorFactory, SupportFactory, UserFactory

pytestmark = pytest.mark.django_db

MONEY_MODELS = ("accounts.account", "transactions.transaction", "transactions.monthlytotal")


def perms_of(group_name):
    return set(
        Group.objects.get(name=group_name).permissions.values_list("content_type__app_label", "codename")
    )


def test_groups_exist_after_migrate_and_sync_is_idempotent():
    before = {name: perms_of(name) for name in ROLES}
    sync_roles()
    sync_roles()
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)
    assert {name: perms_of(name) for name in ROLES} == before


def test_customer_group_has_no_model_permissions():
    assert perms_of(CUSTOMER) == set()


def test_support_views_customers_money_and_alerts_and_never_moves_money():
    perms = perms_of(SUPPORT)
    for needed in [("users", "view_user"), ("accounts", "view_account"), ("transactions", "view_transaction"),
                   ("alerts", "view_alert"), ("alerts", "add_alert"), ("axes", "delete_accessattempt"),
                   ("audit", "view_auditevent")]:
        assert needed in perms
    money_writes = {(app, code) for app, code in perms
                    if app in ("accounts", "transactions") and not code.startswith("view_")}
    assert money_writes == set()


def test_auditor_only_views_and_never_sees_second_factor_secrets():
    perms = perms_of(AUDITOR)
    assert perms and all(code.startswith("view_") for _, code in perms)
    assert ("audit", "view_auditevent") in perms
    assert ("transactions", "view_transaction") in perms
    assert not {app for app, _ in perms} & {"otp_totp", "otp_static"}


def test_staff_factories_put_users_in_their_group():
    assert list(SupportFactory().groups.values_list("name", flat=True)) == [SUPPORT]
    assert list(AuditorFactory().groups.values_list("name", flat=True)) == [AUDITOR]


# --- the admin, per role ---------------------------------------------------------

def test_customer_is_refused_by_the_admin(client):
    client.force_login(UserFactory())
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    response = client.get("/admin/accounts/account/", follow=True)
    assert response.status_code == 403


def test_support_sees_money_rows_but_cannot_change_add_or_delete_them(client):
    account = AccountFactory(opening_balance="120.50", name="Everyday")
    row = Transaction.objects.get(account=account)
    client.force_login(SupportFactory())

    listing = client.get(reverse("admin:accounts_account_changelist"))
    assert listing.status_code == 200
    assert "Everyday" in listing.content.decode()
    page = client.get(reverse("admin:transactions_transaction_change", args=[row.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # a view-only page

    change = client.post(reverse("admin:transactions_transaction_change", args=[row.pk]),
                         {"description": "rewritten"})
    assert change.status_code == 403
    assert client.get(reverse("admin:transactions_transaction_delete", args=[row.pk])).status_code == 403
    assert client.post(reverse("admin:accounts_account_change", args=[account.pk]), {"name": "x"}).status_code == 403
    row.refresh_from_db()
    account.refresh_from_db()
    assert row.description == "Opening balance"
    assert account.name == "Everyday"


def _registered_admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


@pytest.mark.parametrize("factory", [SupportFactory, AuditorFactory], ids=["support", "auditor"])
def test_staff_roles_cannot_write_money_in_any_admin(factory):
    request = RequestFactory().get("/admin/")
    request.user = factory()
    for model, model_admin in _registered_admins():
        if model._meta.label_lower in MONEY_MODELS:
            if model._meta.label_lower != "transactions.monthlytotal":  # derived figures
                assert model_admin.has_view_permission(request), model
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model
            assert not model_admin.has_delete_permission(request), model


def test_auditor_is_read_only_on_every_admin_page(client):
    auditor = AuditorFactory()
    client.force_login(auditor)
    request = RequestFactory().get("/admin/")
    request.user = auditor
    checked = 0
    for model, model_admin in _registered_admins():
        label = model._meta.label_lower
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        if model._meta.app_label in ("otp_totp", "otp_static"):
            assert not model_admin.has_view_permission(request), label
            continue
        assert model_admin.has_view_permission(request), label
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, label
        try:
            add_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        except NoReverseMatch:
            continue
        assert client.get(add_url, follow=True).status_code == 403, label
        checked += 1
    assert checked >= 8  # users, accounts, transactions, budgets, alerts, audit, axes...


def test_migrate_sets_the_roles_once_after_every_app_not_once_per_app():
    """post_migrate is sent once per installed app; the roles are set after the last one (when
    every app's permissions exist), so a migrate or a test flush reads the groups once."""
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Group.objects.get(name=SUPPORT).permissions.clear()
    with CaptureQueriesContext(connection) as queries:
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    group_reads = [q for q in queries.captured_queries if q["sql"].startswith('SELECT "auth_group"."id"')]
    assert len(group_reads) == len(ROLES)  # one get_or_create each, once
    assert ("bills", "view_recurringitem") in perms_of(SUPPORT)  # an app after users: its permission is there
    assert ("audit", "view_auditevent") in perms_of(SUPPORT)  # the last app's too

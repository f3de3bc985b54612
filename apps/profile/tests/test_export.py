"""Export all my data: a zip of CSV/JSON files of everything the customer owns, nobody else's,
no secrets, money as exact strings, a fixed number of queries."""

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Account
from apps.audit.models import AuditEvent
from apps.profile import services
from apps.profile.exports import export_tables
from apps.transactions.models import Transaction
from tests.factories import PASSWORD, account, expense

pytestmark = pytest.mark.django_db

FILES = {"profile.json", "transactions.csv", "accounts.csv", "categories.csv", "category_preferences.csv",
         "budgets.csv", "recurring_items.csv", "recurring_occurrences.csv", "bill_suggestions_dismissed.csv",
         "rules.csv", "rule_preferences.csv", "import_batches.csv", "import_mappings.csv", "alerts.csv",
         "notification_preferences.csv", "quiet_hours.csv", "digest_preference.csv", "webhooks.csv",
         "push_subscriptions.csv", "reward_points.csv", "onboarding.csv", "known_devices.csv", "receipts.csv",
         "security_activity.csv"}


def download(client, user):
    client.force_login(user)
    response = client.post(reverse("profile:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="bankdash-export-2025-12-15.zip"'
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def rows(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def test_the_zip_holds_every_file_of_the_customer_and_nothing_of_anyone_else(client, two_customers):
    ada, bob = two_customers
    archive = download(client, ada.user)
    # The receipt kept with an expense: its file, and what it is in receipts.csv.
    receipt = ada["receipt"]
    assert set(archive.namelist()) == FILES | {f"receipts/{receipt.pk}-receipt.pdf"}
    assert archive.read(f"receipts/{receipt.pk}-receipt.pdf") == b"%PDF-1.4\n%%EOF\n"
    [row] = rows(archive, "receipts.csv")
    assert (int(row["id"]), int(row["transaction_id"]), row["content_type"]) == (
        receipt.pk, ada["expense"].pk, "application/pdf")
    assert "data" not in row
    raw = b"".join(archive.read(name) for name in archive.namelist())
    assert b"bob@example.com" not in raw

    profile = json.loads(archive.read("profile.json"))["profile"]
    assert profile["email"] == "ada@example.com" and profile["display_name"] == "Ada"
    assert (profile["time_zone"], profile["default_currency"], profile["locale"]) == ("UTC", "USD", "en-US")
    assert "password" not in profile and b"pbkdf2" not in raw and b"md5$" not in raw

    accounts = {row["name"]: row for row in rows(archive, "accounts.csv")}
    assert set(accounts) == {"Checking", "Savings", "Card", "Old account", "Archived account"}
    assert {int(row["id"]) for row in accounts.values()} == set(Account.objects.filter(owner=ada.user)
                                                               .values_list("id", flat=True))
    # Money as the exact Decimal string: 1000.00 + 2000.00 - 80.25 - 100.00, never a float.
    assert accounts["Checking"]["balance"] == "2819.75"
    assert Decimal(accounts["Savings"]["balance"]) == Decimal("350.00")
    assert accounts["Card"]["credit_limit"] == "500.00"

    entries = rows(archive, "transactions.csv")
    assert len(entries) == Transaction.objects.filter(owner=ada.user).count()
    market = next(row for row in entries if row["description"] == "Market")
    assert (market["amount"], market["currency"], market["category"]) == ("-80.25", "USD", "groceries")

    # Every file's ids are Ada's own objects (Bob holds the same kinds, with other ids).
    by_role = {"categories.csv": "category", "budgets.csv": "budget", "rules.csv": "rule",
               "import_batches.csv": "import_batch", "import_mappings.csv": "mapping", "webhooks.csv": "webhook",
               "push_subscriptions.csv": "push_subscription", "known_devices.csv": "known_device",
               "category_preferences.csv": "hidden_default", "onboarding.csv": "onboarding"}
    for name, role in by_role.items():
        assert [int(row["id"]) for row in rows(archive, name)] == [ada[role].pk], name
    assert {int(r["id"]) for r in rows(archive, "recurring_items.csv")} == {ada["bill"].pk, ada["standing_order"].pk}
    assert {int(r["item_id"]) for r in rows(archive, "recurring_occurrences.csv")} <= {ada["bill"].pk,
                                                                                        ada["standing_order"].pk}
    assert len(rows(archive, "recurring_occurrences.csv")) >= 1
    alerts = rows(archive, "alerts.csv")
    assert ada["system_alert"].pk in {int(r["id"]) for r in alerts}
    assert {int(r["id"]) for r in alerts}.isdisjoint({bob["system_alert"].pk})
    budget = rows(archive, "budgets.csv")[0]
    assert (budget["limit"], budget["category__name"]) == ("50.00", "groceries")

    # Secrets stay out; what identifies a device is its keyed hash.
    webhook = rows(archive, "webhooks.csv")[0]
    assert "secret" not in webhook and webhook["url"] == "https://192.0.2.10/bankdash"
    assert b"0" * 64 not in archive.read("webhooks.csv")
    push = rows(archive, "push_subscriptions.csv")[0]
    assert {"endpoint", "p256dh", "auth"}.isdisjoint(push) and push["user_agent"] == "Firefox on Linux"
    device = rows(archive, "known_devices.csv")[0]
    assert device["fingerprint"] == ada["known_device"].fingerprint and device["browser"] == "Firefox"
    assert "content" not in rows(archive, "import_batches.csv")[0]
    assert rows(archive, "import_batches.csv")[0]["file_name"] == "statement.csv"


def test_the_export_is_recorded_in_the_audit_trail(client, two_customers):
    ada, _ = two_customers
    download(client, ada.user)
    event = AuditEvent.objects.get(action=AuditEvent.Action.DATA_EXPORTED)
    assert event.actor_id == ada.user.pk
    assert sorted(event.details["files"]) == sorted(FILES | {f"receipts/{ada['receipt'].pk}-receipt.pdf"})


def test_the_export_is_a_post_only(client, two_customers):
    ada, _ = two_customers
    client.force_login(ada.user)
    assert client.get(reverse("profile:export")).status_code == 405
    assert client.get(reverse("settings")).content.count(reverse("profile:export").encode()) == 1


def test_a_fixed_number_of_queries_whatever_the_history(two_customers):
    ada, _ = two_customers

    def queries():
        with CaptureQueriesContext(connection) as captured:
            archive = services.data_export(user=ada.user)
            archive.close()
        return len(captured)

    before = queries()
    checking = account(ada.user, "Extra", opening="500.00")
    for n in range(30):
        expense(checking, f"{n + 1}.10", description=f"Row {n}")
    assert queries() == before
    # One per file (the profile needs none; transactions.csv and the audit trail's
    # security_activity.csv are not among export_tables), plus the audit record.
    assert before <= len(export_tables(user=ada.user)) + 2 + 2


def test_a_customer_with_nothing_gets_headers_only(client, db, frozen_now):
    from tests.factories import UserFactory

    user = UserFactory(email="new@example.com")
    archive = download(client, user)
    assert archive.read("transactions.csv").decode().splitlines() == [
        "date,account,kind,payee,description,category,amount,currency,split"]
    assert rows(archive, "accounts.csv") == []
    assert PASSWORD not in archive.read("profile.json").decode()

"""A savings goal set in the browser and seen on the account page, the accounts list and the
dashboard; a receipt kept with an entry, downloaded and deleted. Every page passes the
browser checks (axe, labels, CSP, no console errors)."""

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from apps.transactions.models import Attachment
from apps.transactions.services import account_open, expense_post, transfer_create
from tests.factories import default_category

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_savings_goal_from_the_form_to_the_dashboard(app, make_customer, customer_password):
    user = make_customer("goal@example.com")
    today = timezone.localdate()
    checking = account_open(user=user, name="Checking", opening_balance=Decimal("5000.00"),
                            opened_on=today - timedelta(days=200))
    savings = account_open(user=user, name="Holiday", kind="savings", opened_on=today - timedelta(days=200))
    for days in (80, 50, 20):
        transfer_create(user=user, from_account_id=checking.pk, to_account_id=savings.pk, amount=Decimal("300.00"),
                        occurred_on=today - timedelta(days=days))
    app.login(user.email, customer_password)
    app.goto(f"/accounts/{savings.pk}/")
    app.follow("Set a savings goal")
    app.field("Goal amount").fill("abc")
    app.submit("Save goal")
    expect(app.page.locator("#div_id_goal_amount .invalid-feedback")).to_be_visible()
    expect(app.field("Goal amount")).to_have_value("abc")
    app.field("Goal amount").fill("1,800")
    app.field("Reach it by").fill((today + timedelta(days=400)).isoformat())
    app.submit("Save goal")
    expect(app.success_message()).to_contain_text("Savings goal of “Holiday” set to 1,800.00 USD.")
    section = app.page.locator("#goal")
    expect(section).to_contain_text("900.00 USD of 1,800.00 USD (50%)")
    expect(app.page.locator("#goal-verdict")).to_contain_text("On track")
    app.screenshot("goal-account")
    app.goto("/accounts/")
    expect(app.page.locator("[data-goal]")).to_have_text("50% of the 1,800.00 USD goal")
    app.goto("/")
    expect(app.page.locator("#account-list [data-goal]")).to_have_text("50% of the 1,800.00 USD goal")


def test_a_receipt_kept_downloaded_and_deleted(app, make_customer, customer_password):
    user = make_customer("receipt@example.com")
    checking = account_open(user=user, name="Checking", opening_balance=Decimal("500.00"),
                            opened_on=date(2025, 1, 1))
    entry = expense_post(user=user, account_id=checking.pk, amount=Decimal("61.40"),
                         category=default_category("groceries"), occurred_on=date(2025, 3, 10),
                         description="SuperSave market")
    picture = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(picture, format="JPEG")
    app.login(user.email, customer_password)
    page = app.page
    app.goto(f"/transactions/{entry.pk}/edit/")
    expect(page.locator("#receipts")).to_contain_text("No receipt kept with this entry yet.")
    page.set_input_files("#id_file", files=[{"name": "till.jpg", "mimeType": "image/jpeg",
                                             "buffer": picture.getvalue()}])
    app.submit("Keep this file")
    expect(app.success_message()).to_contain_text("“till.jpg” is kept with this entry.")
    with page.expect_download() as download:
        page.locator("#attachment-list a[download]").click()
    assert download.value.suggested_filename == "till.jpg"
    assert Path(download.value.path()).read_bytes() == picture.getvalue()
    app.screenshot("receipt-edit")
    app.follow("Delete till.jpg")
    app.submit("Yes, delete it")
    expect(app.success_message()).to_contain_text("“till.jpg” deleted.")
    assert not Attachment.objects.exists()

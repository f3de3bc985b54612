"""What the audit trail records, with who and from which IP."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from apps.audit import context
from apps.audit.models import AuditEvent
from apps.audit.summaries import summarise
from tests.factories import PASSWORD, AccountFactory, UserFactory, default_category, expense, income, transfer

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
IP = "198.51.100.7"


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_login_logout_with_ip(client):
    user = UserFactory(email="dana@example.com")
    client.post(reverse("login"), {"username": "Dana@Example.com", "password": PASSWORD}, REMOTE_ADDR=IP)
    client.post(reverse("logout"), REMOTE_ADDR=IP)
    [login] = events(Action.LOGIN)
    assert (login.actor, login.actor_email, login.ip_address) == (user, "dana@example.com", IP)
    assert (login.object_type, login.object_id) == ("users.user", str(user.pk))
    [logout] = events(Action.LOGOUT)
    assert (logout.actor, logout.ip_address) == (user, IP)


def test_failed_login_records_the_tried_email_and_ip_not_the_password(client):
    client.post(reverse("login"), {"username": "Nobody@Example.com", "password": "guess-1"}, REMOTE_ADDR=IP)
    [failed] = events(Action.LOGIN_FAILED)
    assert failed.actor is None
    assert failed.actor_email == "nobody@example.com"
    assert failed.ip_address == IP
    assert "guess-1" not in str(failed.details)


def test_lockout_is_recorded(client):
    UserFactory(email="target@example.com")
    for _ in range(5):
        client.post(reverse("login"), {"username": "target@example.com", "password": "wrong"}, REMOTE_ADDR=IP)
    [locked] = events(Action.LOCKED_OUT)
    assert locked.actor_email == "target@example.com"
    assert locked.ip_address == IP
    assert len(events(Action.LOGIN_FAILED)) == 5


def test_password_change_is_recorded(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "fresh-long-passphrase",
                                             "new_password2": "fresh-long-passphrase"}, REMOTE_ADDR=IP)
    [changed] = events(Action.PASSWORD_CHANGED)
    assert (changed.actor, changed.ip_address) == (user, IP)


def test_password_reset_request_and_reset_are_recorded(client):
    user = UserFactory(email="forgot@example.com")
    client.post(reverse("password_reset"), {"email": "forgot@example.com"}, REMOTE_ADDR=IP)
    [requested] = events(Action.PASSWORD_RESET_REQUESTED)
    assert (requested.actor_email, requested.ip_address, requested.details) == (
        "forgot@example.com", IP, {"throttled": False})
    link = next(word for word in mail.outbox[0].body.split() if "/reset/" in word)
    form_url = client.get(link.split("testserver", 1)[1], follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "brand-new-passphrase", "new_password2": "brand-new-passphrase"},
                REMOTE_ADDR=IP)
    [reset] = events(Action.PASSWORD_RESET)
    assert (reset.actor, reset.ip_address) == (user, IP)


def test_money_movement_through_a_page_records_owner_ip_and_amounts(client):
    account = AccountFactory(opening_balance=Decimal("100.00"))
    user = account.owner
    before = AuditEvent.objects.filter(action=Action.MONEY_MOVEMENT).count()
    client.force_login(user)
    response = client.post(reverse("transactions:expense"), {
        "account": account.pk, "amount": "10.15", "category": default_category("food").pk,
        "occurred_on": "2025-03-10", "description": "Lunch", "form_token": str(uuid.uuid4()),
    }, REMOTE_ADDR=IP)
    assert response.status_code == 302, response.content.decode()[:2000]
    movements = events(Action.MONEY_MOVEMENT)
    assert len(movements) == before + 1
    event = movements[-1]
    assert (event.actor, event.ip_address, event.object_type) == (user, IP, "transactions.transaction")
    [change] = event.details["changes"]
    assert change["kind"] == "expense"
    assert Decimal(change["amount"]) == Decimal("10.15")  # stored as an exact decimal string, never a float
    assert event.details["owner_email"] == user.email


def test_every_kind_of_movement_is_recorded_once():
    account = AccountFactory(opening_balance=Decimal("100.00"))  # opening: 1
    other = AccountFactory(owner=account.owner)
    income(account, "50.00")  # 2
    row = expense(account, "20.00")  # 3
    transfer(account, other, "5.00")  # 4 (both legs in one event)
    from apps.transactions.services import transaction_delete, transaction_edit

    transaction_edit(user=account.owner, transaction_id=row.pk, amount=Decimal("25.00"), occurred_on=date(2025, 3, 11))
    transaction_delete(user=account.owner, transaction_id=row.pk)  # 6
    movements = events(Action.MONEY_MOVEMENT)
    assert len(movements) == 6
    assert [len(m.details["changes"]) for m in movements] == [1, 1, 1, 2, 2, 1]
    assert movements[3].object_id.count(",") == 1  # the transfer's two legs
    assert {c["action"] for c in movements[4].details["changes"]} == {"edited"}
    # Outside a request (a job, a command) the owner is the actor and there is no IP.
    assert all(m.actor == account.owner and m.ip_address is None for m in movements)


def test_a_rolled_back_movement_leaves_no_audit_record():
    account = AccountFactory(opening_balance=Decimal("100.00"))
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        income(account, "1.00")
        raise RuntimeError("boom after the ledger write")
    assert AuditEvent.objects.count() == before


def test_the_request_context_gives_actor_and_ip_to_service_calls():
    account = AccountFactory(opening_balance=Decimal("10.00"))
    request = RequestFactory().post("/x", REMOTE_ADDR="2001:db8::1")
    request.user = account.owner
    token = context.bind(request)
    try:
        income(account, "1.00")
    finally:
        context.unbind(token)
    event = events(Action.MONEY_MOVEMENT)[-1]
    assert (event.actor, event.ip_address) == (account.owner, "2001:db8::1")


def test_admin_change_of_customer_data_is_recorded(client, django_user_model):
    root = django_user_model.objects.create_superuser("root@example.com", "x-long-secret", display_name="Root")
    customer = UserFactory(email="cust@example.com", display_name="Old Name")
    client.force_login(root)
    url = reverse("admin:users_user_change", args=[customer.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(display_name="New Name", groups=[g.pk for g in customer.groups.all()], user_permissions=[],
                time_zone="UTC", default_currency="USD", is_active="on",
                last_login_0="", last_login_1="", date_joined_0="2025-01-01", date_joined_1="00:00:00")
    response = client.post(url, data, REMOTE_ADDR=IP)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [event] = events(Action.ADMIN_CHANGE)
    assert (event.actor, event.ip_address, event.object_type, event.object_id) == (
        root, IP, "users.user", str(customer.pk))
    assert event.details["operation"] == "change"
    assert "Display name" in event.details["message"] or "display_name" in event.details["message"].lower()


def test_log_entries_written_outside_a_request_are_recorded_too():
    root = UserFactory(email="root2@example.com")
    customer = UserFactory()
    LogEntry.objects.create(user=root, content_type=ContentType.objects.get_for_model(customer),
                            object_id=str(customer.pk), object_repr=str(customer), action_flag=CHANGE,
                            change_message="[]")
    [event] = events(Action.ADMIN_CHANGE)
    assert (event.actor, event.object_id, event.ip_address) == (root, str(customer.pk), None)


def test_an_account_marked_as_checked_is_recorded_with_a_sentence(client):
    owner = UserFactory(email="ada@example.com")
    checking = AccountFactory(owner=owner, name="Checking", opening_balance=Decimal("250.00"))
    client.force_login(owner)
    response = client.post(reverse("accounts:checked", args=[checking.pk]),
                           {"check-on": checking.opened_on.isoformat(), "check-bank_balance": "250.00"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="account_checked")
    assert (event.actor, event.object_type, event.object_id) == (owner, "accounts.account", str(checking.pk))
    assert event.details == {"account": "Checking", "day": checking.opened_on.isoformat(), "balance": "250.00",
                             "currency": "USD"}
    assert summarise([event])[event.pk] == (
        f"ada@example.com found “Checking” agreeing with their bank at the end of {checking.opened_on.isoformat()} "
        "(250.00 USD)")
    # A balance that does not agree is not marked, and nothing is recorded.
    client.post(reverse("accounts:checked", args=[checking.pk]),
                {"check-on": checking.opened_on.isoformat(), "check-bank_balance": "1.00"})
    assert AuditEvent.objects.filter(action="account_checked").count() == 1

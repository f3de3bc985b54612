"""Point 6 of the hardening issue, over HTTP: web requests have statement and lock timeouts.

The test holds a lock in the private database from its own connection, as a long report or
a stuck session would, and sends requests that need it. Each must end, well before
gunicorn's worker timeout (30 s) would kill the worker, with a clear "try again" page; the
expense it tried to post is not half-written (not stored, balance unchanged, its one-time
token still usable), and sent again once the lock is gone it is stored once.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import record_figure

from .checks import assert_branded_page
from .conftest import PASSWORD, person
from .webclient import fresh_ip, login

pytestmark = pytest.mark.full

ANSWER_BOUND = 25  # seconds: below gunicorn's default 30 s worker timeout
TRY_AGAIN_STATUSES = (503, 504)


@pytest.fixture(scope="module")
def people(provision):
    return provision([person("timeout-customer@example.com", accounts={"Held": "500.00"})])


@pytest.fixture
def customer(app_server, people):
    client = app_server.client(ip=fresh_ip(), timeout=90)
    assert login(client, "timeout-customer@example.com", PASSWORD).logged_in
    return client


def send(request, *args, **kwargs):
    """The request's answer; a dropped connection (gunicorn killing the stuck worker) fails."""
    try:
        return request(*args, **kwargs)
    except OSError as error:
        pytest.fail(f"no answer to a request blocked in the database ({type(error).__name__}: {error}): "
                    "the worker was stuck until gunicorn killed it")


def assert_try_again_page(response) -> None:
    assert response.status in TRY_AGAIN_STATUSES, \
        f"a request blocked in the database: {response.describe()}\n{response.text[:600]}"
    assert_branded_page(response, response.status)
    assert "try again" in response.text.lower(), f"no 'try again' on the page:\n{response.text[:800]}"
    assert response.elapsed < ANSWER_BOUND, f"the answer took {response.elapsed:.1f}s"


def test_a_post_waiting_on_a_locked_row_gets_a_try_again_page_and_writes_nothing(app_server, private_pg,
                                                                                  people, customer):
    account_id = people["users"]["timeout-customer@example.com"]["accounts"]["Held"]
    food = people["categories"]["food"]
    path = "/transactions/expense/new/"
    form = customer.get(f"{path}?account={account_id}").form("form_token")
    token = form.fields["form_token"]
    data = {**form.fields, "account": str(account_id), "category": str(food), "amount": "7.00",
            "description": f"hardening-timeout {token}"}

    with private_pg.connect() as conn, conn.transaction():
        conn.execute("SELECT id FROM accounts_account WHERE id = %s FOR UPDATE", (account_id,))
        blocked = send(customer.post, path, data)
    record_figure("hardening: a POST blocked on a row lock answered after (s)", round(blocked.elapsed, 2))
    assert_try_again_page(blocked)

    stored = private_pg.query("SELECT count(*) FROM transactions_transaction WHERE description = %s",
                              (data["description"],))[0][0]
    balance = private_pg.query("SELECT balance FROM accounts_account WHERE id = %s", (account_id,))[0][0]
    assert stored == 0 and balance == Decimal("500.00"), f"half-written: {stored} rows, balance {balance}"

    again = customer.post(path, data)  # the same form, the same one-time token
    assert again.status == 302 and again.location == f"/accounts/{account_id}/", again.describe()
    stored = private_pg.query("SELECT count(*) FROM transactions_transaction WHERE description = %s",
                              (data["description"],))[0][0]
    balance = private_pg.query("SELECT balance FROM accounts_account WHERE id = %s", (account_id,))[0][0]
    assert stored == 1 and balance == Decimal("493.00"), f"after the retry: {stored} rows, balance {balance}"


def test_a_page_waiting_on_a_locked_table_gets_a_try_again_page(private_pg, customer):
    with private_pg.connect() as conn, conn.transaction():
        conn.execute("LOCK TABLE accounts_account IN ACCESS EXCLUSIVE MODE")
        blocked = send(customer.get, "/accounts/")
    record_figure("hardening: a page blocked on a table lock answered after (s)", round(blocked.elapsed, 2))
    assert_try_again_page(blocked)
    assert customer.get("/accounts/").status == 200

"""The app's URLs plus the baselines the benchmark compares against: the hello-world views, the
ceiling of a first visit of the transactions list, and the dashboard's data without its page."""

from html import escape

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.urls import include, path

from apps.core.dates import user_today
from apps.dashboard.selectors import dashboard_page


def hello(request):
    """Logged-in baseline: the same middleware, session and user lookup as the overview."""
    return HttpResponse("Hello, world", content_type="text/plain")


@login_not_required
def hello_anonymous(request):
    """Bare baseline: no session, no database."""
    return HttpResponse("Hello, world", content_type="text/plain")


# What a first visit of the transactions list must ask PostgreSQL, beyond the session and the
# user the hello reads too, as the list asks it (the same statements, captured from
# /transactions/ page 1): the data version, the accounts, the categories, the capped count, the
# page's 25 rows with their accounts and categories, the unread alerts of the navigation.
_LIST_STATEMENTS = [
    "SELECT coalesce(max(version) FILTER (WHERE scope = %(owner)s), 0), coalesce(max(version) FILTER "
    "(WHERE scope = 0), 0) FROM core_dataversion WHERE scope IN (%(owner)s, 0)",
    'SELECT "id", "name", "currency", "balance" FROM "accounts_account" WHERE "owner_id" = %(owner)s '
    'ORDER BY "name", "id"',
    'SELECT c."id", c."name", c."kind", c."id" IN (SELECT p."category_id" FROM "transactions_categorypreference" p '
    'WHERE p."owner_id" = %(owner)s AND p."hidden") FROM "transactions_category" c '
    'WHERE c."owner_id" IS NULL OR c."owner_id" = %(owner)s ORDER BY c."name", c."id"',
    'SELECT COUNT(*) FROM (SELECT t."id" FROM "transactions_transaction" t WHERE t."owner_id" = %(owner)s '
    "AND t.\"kind\" <> 'transfer_in' ORDER BY t.\"occurred_on\" DESC, t.\"id\" DESC LIMIT 10001) capped",
    'SELECT t."id", t."kind", t."amount", t."description", t."payee", t."occurred_on", a."name", a."currency", '
    'c."name" FROM unnest(ARRAY(SELECT t."id" FROM "transactions_transaction" t WHERE t."owner_id" = %(owner)s '
    "AND t.\"kind\" <> 'transfer_in' ORDER BY t.\"occurred_on\" DESC, t.\"id\" DESC LIMIT 25)) WITH ORDINALITY "
    'AS page(id, position) JOIN "transactions_transaction" t ON t."id" = page.id JOIN "accounts_account" a '
    'ON a."id" = t."account_id" LEFT JOIN "transactions_category" c ON c."id" = t."category_id" '
    "ORDER BY page.position",
    'SELECT COUNT(*) FROM "alerts_alert" WHERE "owner_id" = %(owner)s AND "read_at" IS NULL',
]


def list_ceiling(request):
    """The ceiling of a first visit of the transactions list (issue 17): its statements, and its
    25 rows written out with no template, no form and no translation. What the real list costs
    beyond this is what Django's forms, the templates and the page cache add."""
    params = {"owner": request.user.pk}
    with connection.cursor() as cursor:
        results = []
        for sql in _LIST_STATEMENTS:
            cursor.execute(sql, params)
            results.append(cursor.fetchall())
    rows = "".join(
        f"<tr><td>{day.isoformat()}</td><td>{escape(payee or description or '')}</td><td>{escape(category or '')}</td>"
        f"<td>{escape(account)}</td><td>{amount} {currency}</td><td>{escape(kind)}</td></tr>"
        for _id, kind, amount, description, payee, day, account, currency, category in results[4]
    )
    return HttpResponse(f"<!doctype html><title>Transactions</title><p>{results[3][0][0]} transactions, "
                        f"{len(results[1])} accounts, {len(results[2])} categories, {results[5][0][0]} alerts</p>"
                        f"<table>{rows}</table>")


def dashboard_data(request):
    """The HTML dashboard's data with nothing rendered (issue 17): the page's selector
    (``apps.dashboard.selectors.dashboard_page``: its statements and the ledger figures' cache),
    a few of its figures written out, no template and no page cache. The dashboard's first visit
    costs this plus its templates and its page cache."""
    page = dashboard_page(user=request.user, today=user_today(request.user))
    budgets = "".join(f"<li>{escape(status.category)}: {status.spent} of {status.limit}</li>"
                      for status in page.budgets)
    latest = "".join(f"<li>{entry.occurred_on.isoformat()} {escape(entry.payee or '')} {entry.amount}</li>"
                     for entry in page.latest)
    return HttpResponse(f"<!doctype html><title>Dashboard</title><p>{page.accounts.total_accounts} accounts, "
                        f"{page.accounts.total_balance} {page.currency}, {page.alerts_count} alerts, "
                        f"{page.reward_points} points, spent {page.this_month.spending}</p>"
                        f"<ul>{budgets}</ul><ul>{latest}</ul>")


urlpatterns = [
    path("bench/hello", hello),
    path("bench/hello-anonymous", hello_anonymous),
    path("bench/list-ceiling", list_ceiling),
    path("bench/dashboard-data", dashboard_data),
    path("", include("bankdash.urls")),
]

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from apps.accounts import urls as account_urls
from apps.core import health
from apps.transactions import account_views


@login_not_required
def favicon(request):
    # Browsers ask for /favicon.ico on documents without a <link rel="icon"> (the JSON overview).
    return RedirectView.as_view(url=static("favicon.svg"), permanent=True)(request)


# Branded pages in the base layout (JSON on JSON paths); handler500 also turns the database
# failing (down, busy, read-only) into a 503 with Retry-After (apps.core.errors).
handler400 = "apps.core.errors.bad_request"
handler403 = "apps.core.errors.permission_denied"
handler404 = "apps.core.errors.page_not_found"
handler500 = "apps.core.errors.server_error"

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("apps.users.urls")),
    # The account pages: those that move no money (apps.accounts) and those that show or
    # start ledger entries (apps.transactions.account_views), in one "accounts" namespace.
    path("accounts/", include((account_urls.urlpatterns + account_views.urlpatterns, "accounts"))),
    path("transactions/", include("apps.transactions.urls")),
    path("budgets/", include("apps.budgets.urls")),
    path("bills/", include("apps.bills.urls")),
    path("forecast", include("apps.bills.forecast_urls")),  # GET /forecast?account=ID&days=N (JSON)
    path("rewards/", include("apps.rewards.urls")),
    path("alerts/", include("apps.alerts.urls")),
    path("rules/", include("apps.rules.urls")),
    path("import/", include("apps.imports.urls")),
    path("insights/", include("apps.insights.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("settings/activity/", include("apps.audit.urls")),  # the customer's security activity
    path("settings/", include("apps.profile.urls")),  # /settings/ itself and the email change: apps.users
    path("", include("apps.dashboard.urls")),
]

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


@login_not_required
def favicon(request):
    # Browsers ask for /favicon.ico on documents without a <link rel="icon"> (the JSON overview).
    return RedirectView.as_view(url=static("favicon.svg"), permanent=True)(request)


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("apps.users.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("transactions/", include("apps.transactions.urls")),
    path("budgets/", include("apps.budgets.urls")),
    path("alerts/", include("apps.alerts.urls")),
    path("", include("apps.dashboard.urls")),
]

from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.page, name="page"),
    path("spending", views.spending, name="spending"),
    path("cash-flow", views.cash_flow, name="cash_flow"),
    path("top-merchants", views.top_merchants, name="top_merchants"),
    path("health-score", views.health_score, name="health_score"),
    path("burn-rate", views.burn_rate, name="burn_rate"),
]

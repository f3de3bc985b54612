"""``/forecast``: mounted at the site's root by bankdash/urls.py (``path("forecast", include(...))``)."""

from django.urls import path

from . import views_forecast

urlpatterns = [
    path("", views_forecast.forecast_json, name="forecast"),
]

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.settings_redirect, name="index"),
    path("settings/", views.settings_page, name="settings"),
    path("deliveries/", views.DeliveryListView.as_view(), name="deliveries"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

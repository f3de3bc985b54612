from django.urls import path

from . import digest_views, push_views, views, webhook_views

app_name = "notifications"

urlpatterns = [
    path("", views.settings_redirect, name="index"),
    path("settings/", views.settings_page, name="settings"),
    path("deliveries/", views.DeliveryListView.as_view(), name="deliveries"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

# Each channel's and the digest's own pages and endpoints.
urlpatterns += push_views.urlpatterns + webhook_views.urlpatterns + digest_views.urlpatterns

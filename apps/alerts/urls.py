from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.AlertListView.as_view(), name="list"),
    path("<int:pk>/read/", views.alert_read, name="read"),
    path("read-all/", views.alert_read_all, name="read_all"),
]

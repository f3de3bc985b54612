from django.urls import path

from . import views

app_name = "profile"

urlpatterns = [
    path("export/", views.ExportView.as_view(), name="export"),
    path("close/", views.CloseView.as_view(), name="close"),
    path("closed/", views.ClosedView.as_view(), name="closed"),
]

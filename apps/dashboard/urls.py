from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.home, name="dashboard"),
    path("dashboard/overview", views.overview, name="overview"),
    path("dashboard/expense-preview", views.expense_preview, name="expense_preview"),
    path("dashboard/checklist/dismiss/", views.checklist_dismiss, name="checklist_dismiss"),
]

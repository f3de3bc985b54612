from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_start, name="start"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/columns/", views.batch_columns, name="columns"),
    path("<int:pk>/accounts/", views.batch_accounts, name="accounts"),
    path("<int:pk>/undo/", views.batch_undo, name="undo"),
    path("mappings/<int:pk>/delete/", views.profile_delete, name="profile_delete"),
]

from django.urls import path

from . import export_views, views

app_name = "transactions"

urlpatterns = [
    path("", views.transaction_list, name="list"),
    path("export.csv", export_views.transactions_csv, name="export_csv"),
    path("income/new/", views.income_create, name="income"),
    path("expense/new/", views.expense_create, name="expense"),
    path("transfer/new/", views.transfer_create, name="transfer"),
    path("<int:pk>/edit/", views.transaction_update, name="update"),
    path("<int:pk>/delete/", views.transaction_delete, name="delete"),
    path("categories/", views.category_list, name="categories"),
]

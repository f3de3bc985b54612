from django.urls import path

from . import attachment_views, bulk_views, export_views, views

app_name = "transactions"

urlpatterns = [
    path("", views.transaction_list, name="list"),
    path("export.csv", export_views.transactions_csv, name="export_csv"),
    path("bulk/", bulk_views.transactions_bulk, name="bulk"),
    path("quick/", views.quick_expense, name="quick"),
    path("income/new/", views.income_create, name="income"),
    path("expense/new/", views.expense_create, name="expense"),
    path("transfer/new/", views.transfer_create, name="transfer"),
    path("<int:pk>/edit/", views.transaction_update, name="update"),
    path("<int:pk>/split/", views.transaction_split, name="split"),
    path("<int:pk>/attachments/", attachment_views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", attachment_views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", attachment_views.attachment_delete, name="attachment_delete"),
    path("<int:pk>/delete/", views.transaction_delete, name="delete"),
    path("categories/", views.category_list, name="categories"),
    path("categories/<int:pk>/edit/", views.category_update, name="category_update"),
    path("categories/<int:pk>/merge/", views.category_merge, name="category_merge"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
    # The default categories are everyone's: addressed by name (never confused with an id of
    # another customer's object); the user's own by id.
    path("categories/default/<str:name>/edit/", views.category_update, name="default_category_update"),
    path("categories/default/<str:name>/merge/", views.category_merge, name="default_category_merge"),
    path("categories/default/<str:name>/delete/", views.category_delete, name="default_category_delete"),
    path("categories/default/<str:name>/show/", views.category_show, name="default_category_show"),
]

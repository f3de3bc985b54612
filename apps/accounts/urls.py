from django.urls import path

from . import views

urlpatterns = [
    path("", views.account_list, name="list"),
    path("<int:pk>/edit/", views.account_update, name="update"),
    path("<int:pk>/close/", views.account_close, name="close"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("", views.account_list, name="list"),
    path("<int:pk>/edit/", views.account_update, name="update"),
    path("<int:pk>/close/", views.account_close, name="close"),
    path("<int:pk>/credit-limit/", views.account_credit_limit, name="credit_limit"),
    path("<int:pk>/goal/", views.account_goal, name="goal"),
    path("<int:pk>/reopen/", views.account_reopen, name="reopen"),
    path("<int:pk>/archive/", views.account_archive, name="archive"),
    path("<int:pk>/unarchive/", views.account_unarchive, name="unarchive"),
]

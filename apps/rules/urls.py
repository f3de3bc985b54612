from django.urls import path

from . import views

app_name = "rules"

urlpatterns = [
    path("", views.rule_list, name="list"),
    path("new/", views.rule_create, name="create"),
    path("preferences/", views.preferences_update, name="preferences"),
    path("<int:pk>/edit/", views.rule_edit, name="edit"),
    path("<int:pk>/delete/", views.rule_delete, name="delete"),
    path("<int:pk>/move/", views.rule_move, name="move"),
    path("<int:pk>/apply/", views.rule_apply, name="apply"),
]

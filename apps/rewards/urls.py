from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("", views.rewards_page, name="list"),
    path("summary", views.rewards_summary, name="summary"),
]

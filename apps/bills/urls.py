from django.urls import path

from . import views, views_calendar

app_name = "bills"

urlpatterns = [
    path("", views.recurring_list, name="list"),
    path("calendar/", views_calendar.calendar_month, name="calendar"),
    path("new/<str:kind>/", views.recurring_create, name="create"),
    path("suggestions/dismiss/", views.bill_suggestion_dismiss, name="dismiss_suggestion"),
    path("<int:pk>/", views.recurring_detail, name="detail"),
    path("<int:pk>/edit/", views.recurring_edit, name="edit"),
    path("<int:pk>/pause/", views.recurring_pause, name="pause"),
    path("<int:pk>/resume/", views.recurring_resume, name="resume"),
    path("<int:pk>/skip/", views.occurrence_skip, name="skip"),
    path("<int:pk>/pay/<str:due_on>/", views.occurrence_pay, name="pay"),
    path("<int:pk>/delete/", views.recurring_delete, name="delete"),
]

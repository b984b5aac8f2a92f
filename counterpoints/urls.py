from django.urls import path

from . import views

app_name = "counterpoints"

urlpatterns = [
    path("posts/<slug:slug>/counterpoints/", views.submit_counterpoint, name="submit"),
    path("counterpoints/status/<str:token>/", views.counterpoint_status, name="status"),
    path("counterpoints/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("counterpoints/confirm/<str:token>/", views.confirm_address, name="confirm-address"),
]

from django.urls import path

from . import views

app_name = "counterpoints"

urlpatterns = [
    path("posts/<slug:slug>/counterpoints/", views.submit_counterpoint, name="submit"),
]

from django.urls import path

from core.caching import cacheable_for_anonymous

from . import permalinks, views

app_name = "counterpoints"

urlpatterns = [
    path("posts/<slug:slug>/counterpoints/", views.submit_counterpoint, name="submit"),
    path("counterpoints/status/<str:token>/", views.counterpoint_status, name="status"),
    path("counterpoints/status/<str:token>/leave-record/", views.leave_record, name="leave-record"),
    path("counterpoints/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("counterpoints/confirm/<str:token>/", views.confirm_address, name="confirm-address"),
    # Approved counterpoints as pages and feeds (issue 15).
    path("posts/<slug:slug>/counterpoints/<int:pk>/", permalinks.counterpoint_detail, name="detail"),
    path(
        "posts/<slug:slug>/counterpoints/feed/",
        cacheable_for_anonymous(permalinks.CounterpointsFeed(), query=[]),
        name="post-feed",
    ),
    path(
        "posts/<slug:slug>/counterpoints/feed/atom/",
        cacheable_for_anonymous(permalinks.AtomCounterpointsFeed(), query=[]),
        name="post-feed-atom",
    ),
    path(
        "counterpoints/feed/", cacheable_for_anonymous(permalinks.CounterpointsFeed(), query=[]), name="feed"
    ),
    path(
        "counterpoints/feed/atom/",
        cacheable_for_anonymous(permalinks.AtomCounterpointsFeed(), query=[]),
        name="feed-atom",
    ),
]

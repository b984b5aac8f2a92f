from django.urls import path

from core.caching import cacheable_for_anonymous

from .feeds import AtomVerdictsFeed, VerdictsFeed

app_name = "claims"

urlpatterns = [
    path("hindsight/feed/", cacheable_for_anonymous(VerdictsFeed(), query=[]), name="verdict-feed"),
    path(
        "hindsight/feed/atom/",
        cacheable_for_anonymous(AtomVerdictsFeed(), query=[]),
        name="verdict-feed-atom",
    ),
]

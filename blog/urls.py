from django.urls import path

from core.caching import cache_for_anonymous

from . import views
from .feeds import AtomPostsFeed, AtomVerdictsFeed, PostsFeed, VerdictsFeed

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("posts/<slug:slug>/", views.post_detail, name="post-detail"),
    path("tags/", views.tag_list, name="tag-list"),
    path("tags/<slug:slug>/", views.TagPostListView.as_view(), name="tag-detail"),
    path("tags/<slug:slug>/feed/", cache_for_anonymous(PostsFeed(), query=[]), name="tag-feed"),
    path("tags/<slug:slug>/feed/atom/", cache_for_anonymous(AtomPostsFeed(), query=[]), name="tag-feed-atom"),
    path("hindsight/", views.hindsight, name="hindsight"),
    path("hindsight/feed/", cache_for_anonymous(VerdictsFeed(), query=[]), name="verdict-feed"),
    path("hindsight/feed/atom/", cache_for_anonymous(AtomVerdictsFeed(), query=[]), name="verdict-feed-atom"),
    path("search/", views.search, name="search"),
    path("feed/", cache_for_anonymous(PostsFeed(), query=[]), name="feed"),
    path("feed/atom/", cache_for_anonymous(AtomPostsFeed(), query=[]), name="feed-atom"),
]

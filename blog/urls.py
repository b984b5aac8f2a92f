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
    path("tags/<slug:slug>/feed/", cache_for_anonymous(PostsFeed()), name="tag-feed"),
    path("tags/<slug:slug>/feed/atom/", cache_for_anonymous(AtomPostsFeed()), name="tag-feed-atom"),
    path("hindsight/", views.hindsight, name="hindsight"),
    path("hindsight/feed/", cache_for_anonymous(VerdictsFeed()), name="verdict-feed"),
    path("hindsight/feed/atom/", cache_for_anonymous(AtomVerdictsFeed()), name="verdict-feed-atom"),
    path("search/", views.search, name="search"),
    path("feed/", cache_for_anonymous(PostsFeed()), name="feed"),
    path("feed/atom/", cache_for_anonymous(AtomPostsFeed()), name="feed-atom"),
]

from django.urls import path, re_path

from core.caching import cacheable_for_anonymous

from . import cards, navigation, series, views
from .feeds import AtomPostsFeed, PostsFeed

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("posts/<slug:slug>/", views.post_detail, name="post-detail"),
    path("posts/<slug:slug>/card.png", cards.post_card, name="post-card-image"),
    path("tags/", views.tag_list, name="tag-list"),
    path("tags/<str:slug>/", views.TagPostListView.as_view(), name="tag-detail"),
    path("tags/<str:slug>/feed/", cacheable_for_anonymous(PostsFeed(), query=[]), name="tag-feed"),
    path(
        "tags/<str:slug>/feed/atom/", cacheable_for_anonymous(AtomPostsFeed(), query=[]), name="tag-feed-atom"
    ),
    path("hindsight/", views.hindsight, name="hindsight"),
    path("hindsight/tags/", views.hindsight_tags, name="hindsight-tags"),
    path("hindsight/<str:verdict>/", views.hindsight_verdict, name="hindsight-verdict"),
    path("search/", views.search, name="search"),
    path("feed/", cacheable_for_anonymous(PostsFeed(), query=[]), name="feed"),
    path("feed/atom/", cacheable_for_anonymous(AtomPostsFeed(), query=[]), name="feed-atom"),
    path("archive/", navigation.archive_index, name="archive"),
    # Four-digit years and two-digit months, so each archive has one address.
    re_path(r"^archive/(?P<year>[0-9]{4})/$", navigation.PostYearArchiveView.as_view(), name="archive-year"),
    re_path(
        r"^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$",
        navigation.PostMonthArchiveView.as_view(),
        name="archive-month",
    ),
    path("authors/<int:pk>/", navigation.AuthorPostListView.as_view(), name="author"),
    path("about/", navigation.page_detail, name="about"),
    path("pages/<slug:slug>/", navigation.page_detail, name="page"),
    path("series/", series.series_list, name="series-list"),
    path("series/<slug:slug>/", series.series_detail, name="series-detail"),
    path(
        "series/<slug:slug>/feed/", cacheable_for_anonymous(series.SeriesFeed(), query=[]), name="series-feed"
    ),
    path(
        "series/<slug:slug>/feed/atom/",
        cacheable_for_anonymous(series.AtomSeriesFeed(), query=[]),
        name="series-feed-atom",
    ),
]

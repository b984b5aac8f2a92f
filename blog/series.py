"""
Series (issue 15): an ordered set of posts with its own page and feed, and
"part 2 of 5" with the neighbouring parts on each post. Parts are numbered
among the published ones, so a draft part is never counted or linked.
"""

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from core.caching import cacheable_for_anonymous

from .feeds import PostsFeed
from .models import Post, Series, SeriesPart, published_condition


def published_parts():
    return SeriesPart.objects.filter(published_condition("post__"))


def public_series():
    """Series with at least one published post, each with ``part_count``."""
    return Series.objects.filter(Exists(published_parts().filter(series=OuterRef("pk")))).annotate(
        part_count=Count("parts", filter=published_condition("parts__post__"))
    )


def series_of(post):
    """
    ``post``'s place in its series, for the post page: ``{"series", "parts",
    "number", "total", "previous", "next"}``, or None. One query: the
    published parts of whichever series holds ``post``, and ``post`` itself.
    """
    parts = list(
        SeriesPart.objects.filter(series__parts__post=post)
        .filter(published_condition("post__") | Q(post=post))
        .select_related("series", "post")
        .only("position", "series__title", "series__slug", "post__title", "post__slug", "post__published_at")
        .order_by("position")
    )
    if not parts:
        return None
    part = next(p for p in parts if p.post_id == post.pk)
    if not post.is_published:  # a staff preview of a draft part: not numbered among the published
        parts.remove(part)
    posts = [p.post for p in parts]
    if post not in posts:  # a staff preview of a draft part
        return {"series": part.series, "parts": posts, "number": None, "total": len(posts)}
    index = posts.index(post)
    return {
        "series": part.series,
        "parts": posts,
        "number": index + 1,
        "total": len(posts),
        "previous": posts[index - 1] if index > 0 else None,
        "next": posts[index + 1] if index + 1 < len(posts) else None,
    }


@cacheable_for_anonymous(query=[])
def series_list(request):
    series = public_series().order_by("title")
    return render(request, "blog/series_list.html", {"series_list": series})


@cacheable_for_anonymous(query=[])
def series_detail(request, slug):
    series = get_object_or_404(public_series(), slug=slug)
    parts = (
        published_parts()
        .filter(series=series)
        .order_by("position")
        .prefetch_related(Prefetch("post", queryset=Post.objects.for_listing()))
    )
    return render(
        request, "blog/series_detail.html", {"series": series, "posts": [part.post for part in parts]}
    )


class SeriesFeed(PostsFeed):
    """A series' published parts, newest first, like the site's feed."""

    url_name = "blog:series-feed"

    def get_object(self, request, slug):
        return get_object_or_404(public_series(), slug=slug)

    def title(self, series):
        return gettext("%(site)s: %(series)s") % {"site": settings.SITE_NAME, "series": series.title}

    def description(self, series):
        return gettext("The parts of the series “%(series)s” as they come out.") % {"series": series.title}

    def link(self, series):
        return series.get_absolute_url()

    def feed_url(self, series):
        name = "blog:series-feed-atom" if self.feed_type is Atom1Feed else "blog:series-feed"
        return reverse(name, args=[series.slug])

    def items(self, series):
        posts = Post.objects.published().for_listing().defer(None)
        return posts.filter(series_part__series=series)[:50]


class AtomSeriesFeed(SeriesFeed):
    feed_type = Atom1Feed

    def subtitle(self, series):
        return self.description(series)

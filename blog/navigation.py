"""
Finding one's way around (issue 15): date archives, the author's page,
standing pages such as the about page, and what a post page offers next
(the previous and next post, related posts by shared tags).
"""

from collections import Counter, defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views.generic import ListView, MonthArchiveView, YearArchiveView

from core.caching import cacheable_for_anonymous

from .models import ABOUT_SLUG, Page, Post, TaggedPost

RELATED_POSTS = 3
# Related posts are chosen among this many posts sharing a tag on each side
# of the post in time, so a post page costs the same at 10 posts and at 10,000.
RELATED_CANDIDATES = 24


def _earlier_than(post):
    """Published before ``post`` (ties broken by pk), spelled so an index on the date bounds the scan."""
    return Q(published_at__lte=post.published_at) & (
        Q(published_at__lt=post.published_at) | Q(pk__lt=post.pk)
    )


def _later_than(post):
    return Q(published_at__gte=post.published_at) & (
        Q(published_at__gt=post.published_at) | Q(pk__gt=post.pk)
    )


def _nearest(posts, post, limit):
    """The pks of the ``limit`` posts of ``posts`` nearest ``post`` on each side (two index scans)."""
    earlier = posts.filter(_earlier_than(post)).order_by("-published_at", "-pk").values("pk")[:limit]
    later = posts.filter(_later_than(post)).order_by("published_at", "pk").values("pk")[:limit]
    # Each side wrapped (a compound statement may not slice its parts on SQLite).
    return (
        Post.objects.filter(pk__in=earlier)
        .order_by()
        .values("pk")
        .union(Post.objects.filter(pk__in=later).order_by().values("pk"), all=True)
    )


def older_and_newer(post):
    """
    The published posts just before and just after ``post``: two lists of at
    most one post each (empty for a draft that has no date yet), from one query.
    """
    if post.published_at is None:
        return [], []
    published = Post.objects.published()
    neighbours = list(
        published.filter(pk__in=_nearest(published, post, 1)).only("title", "slug", "published_at")
    )
    place = (post.published_at, post.pk)
    return (
        [other for other in neighbours if (other.published_at, other.pk) < place],
        [other for other in neighbours if (other.published_at, other.pk) > place],
    )


def related_posts(post, limit=RELATED_POSTS):
    """
    Published posts sharing tags with ``post``, best first, from the
    RELATED_CANDIDATES posts nearest it in time on each side that share a
    tag. Each shared tag weighs 1/n for a tag n of those candidates carry,
    so sharing a rare tag says more than sharing a common one; ties go to
    the newer post. Two queries, bounded by the candidates however many
    posts and tags the site has.
    """
    if post.published_at is None:
        return []
    tags = TaggedPost.objects.filter(content_object=post).values("tag")
    sharing = (
        Post.objects.published()
        .exclude(pk=post.pk)
        .filter(Exists(TaggedPost.objects.filter(content_object=OuterRef("pk"), tag__in=tags)))
    )
    shared = TaggedPost.objects.filter(
        tag__in=tags, content_object__in=_nearest(sharing, post, RELATED_CANDIDATES)
    )
    tags_of, carriers = defaultdict(list), Counter()
    for candidate, tag in shared.values_list("content_object", "tag"):
        tags_of[candidate].append(tag)
        carriers[tag] += 1
    scores = {candidate: sum(1 / carriers[tag] for tag in tags) for candidate, tags in tags_of.items()}
    candidates = Post.objects.filter(pk__in=scores).only("title", "slug", "dek", "published_at")
    ranked = sorted(
        candidates, key=lambda other: (scores[other.pk], other.published_at, other.pk), reverse=True
    )
    return ranked[:limit]


def archive_months():
    """Every month with a published post, newest first, each with ``posts``: one query."""
    return (
        Post.objects.published()
        .annotate(month=TruncMonth("published_at"))
        .order_by()
        .values("month")
        .annotate(posts=Count("pk"))
        .order_by("-month")
    )


@cacheable_for_anonymous(query=[])
def archive_index(request):
    months = list(archive_months())
    years = {}
    for month in months:
        years.setdefault(month["month"].year, []).append(month)
    return render(request, "blog/archive_index.html", {"years": years.items()})


class PostDateArchiveMixin:
    """The generic date views over published posts, cards loaded as on the home page."""

    date_field = "published_at"
    context_object_name = "posts"
    paginate_by = settings.POSTS_PER_PAGE
    allow_empty = False  # a year or month with nothing published is a 404, not an empty page

    def get_queryset(self):
        # Plain, for the views' own probes (the neighbouring months or years):
        # only the listed posts need their cards' tags and counts.
        return Post.objects.published().only("published_at")

    def get_dated_items(self):
        date_list, posts, extra = super().get_dated_items()
        return date_list, posts.defer(None).for_listing(), extra


@method_decorator(cacheable_for_anonymous(query=["page"]), name="dispatch")
class PostYearArchiveView(PostDateArchiveMixin, YearArchiveView):
    template_name = "blog/archive_year.html"
    make_object_list = True


@method_decorator(cacheable_for_anonymous(query=["page"]), name="dispatch")
class PostMonthArchiveView(PostDateArchiveMixin, MonthArchiveView):
    template_name = "blog/archive_month.html"
    month_format = "%m"


def authors():
    """Users with at least one published post: no staff account is listed for nothing."""
    return get_user_model().objects.filter(posts__in=Post.objects.published()).distinct()


@method_decorator(cacheable_for_anonymous(query=["page"]), name="dispatch")
class AuthorPostListView(ListView):
    template_name = "blog/author_detail.html"
    context_object_name = "posts"
    paginate_by = settings.POSTS_PER_PAGE

    def get_queryset(self):
        self.author = get_object_or_404(authors(), pk=self.kwargs["pk"])
        return Post.objects.published().for_listing().filter(author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


@cacheable_for_anonymous(query=[])
def page_detail(request, slug=ABOUT_SLUG):
    page = get_object_or_404(Page, slug=slug)
    return render(request, "blog/page_detail.html", {"page": page})

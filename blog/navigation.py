"""
Finding one's way around (issue 15): date archives, the author's page,
standing pages such as the about page, and what a post page offers next
(the previous and next post, related posts by shared tags).
"""

from collections import Counter, defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views.generic import ListView, MonthArchiveView, YearArchiveView

from core.caching import cacheable_for_anonymous

from .models import ABOUT_SLUG, Page, Post

RELATED_POSTS = 3
# Related posts are chosen among the posts carrying the last this many uses
# of the post's tags on each side of it in time, so a post page costs the
# same at 10 posts and at 10,000.
RELATED_CANDIDATES = 48


def _earlier_than(post):
    """Published before ``post`` (ties broken by pk), spelled so an index on the date bounds the scan."""
    return Q(published_at__lte=post.published_at) & (
        Q(published_at__lt=post.published_at) | Q(pk__lt=post.pk)
    )


def _later_than(post):
    return Q(published_at__gte=post.published_at) & (
        Q(published_at__gt=post.published_at) | Q(pk__gt=post.pk)
    )


def older_and_newer(post):
    """
    The published posts just before and just after ``post``: two lists of at
    most one post each (empty for a draft that has no date yet), from two
    index lookups. (Two plain queries cost less to build than one union of
    them, and each stops at its first row at any size.)
    """
    if post.published_at is None:
        return [], []
    published = Post.objects.published().only("title", "slug", "published_at")
    return (
        list(published.filter(_earlier_than(post)).order_by("-published_at", "-pk")[:1]),
        list(published.filter(_later_than(post)).order_by("published_at", "pk")[:1]),
    )


def related_posts(post, tags, limit=RELATED_POSTS):
    """
    Published posts sharing ``tags`` (``post``'s) with ``post``, best first.

    The candidates are the posts carrying the RELATED_CANDIDATES uses of those
    tags nearest ``post`` in time on each side (two queries, each read along
    the date index and stopping there). Each shared tag weighs 1/n for a tag
    n candidates carry, so sharing a rare tag says more than sharing a
    common one; ties go to the newer post.
    """
    tag_ids = [tag.pk for tag in tags]
    if post.published_at is None or not tag_ids:
        return []
    # Plain rows, one per shared tag: only the chosen few become Post objects.
    sharing = (
        Post.objects.published()
        .filter(tagged_items__tag__in=tag_ids)
        .exclude(pk=post.pk)
        .values_list("pk", "title", "slug", "published_at", "tagged_items__tag")
    )
    sides = [
        sharing.filter(_earlier_than(post)).order_by("-published_at", "-pk")[:RELATED_CANDIDATES],
        sharing.filter(_later_than(post)).order_by("published_at", "pk")[:RELATED_CANDIDATES],
    ]
    candidates, tags_of, carriers = {}, defaultdict(list), Counter()
    for side in sides:
        rows = list(side)
        if len(rows) == RELATED_CANDIDATES:
            # The furthest post may share more tags past the cut: left out rather than underweighed.
            rows = [row for row in rows if row[0] != rows[-1][0]]
        for pk, title, slug, published_at, shared_tag in rows:
            candidates[pk] = {"title": title, "slug": slug, "published_at": published_at}
            tags_of[pk].append(shared_tag)
            carriers[shared_tag] += 1
    score = {pk: sum(1 / carriers[tag] for tag in shared) for pk, shared in tags_of.items()}
    ranked = sorted(candidates, key=lambda pk: (score[pk], candidates[pk]["published_at"], pk), reverse=True)
    return [Post(pk=pk, **candidates[pk]) for pk in ranked[:limit]]


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

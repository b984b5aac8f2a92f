"""
Finding one's way around (issue 15): date archives, the author's page,
standing pages such as the about page, and what a post page offers next
(the previous and next post, related posts by shared tags).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, Count, FloatField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views.generic import ListView, MonthArchiveView, YearArchiveView

from core.caching import cacheable_for_anonymous

from .models import ABOUT_SLUG, Page, Post, TaggedPost

RELATED_POSTS = 3


def older_and_newer(post):
    """
    The published posts just before and just after ``post``: two lists of at
    most one post each (empty for a draft that has no date yet), from one query.
    """
    if post.published_at is None:
        return [], []
    published = Post.objects.published().only("title", "slug", "published_at")
    before = Q(published_at__lt=post.published_at) | Q(published_at=post.published_at, pk__lt=post.pk)
    after = Q(published_at__gt=post.published_at) | Q(published_at=post.published_at, pk__gt=post.pk)
    older = published.filter(before).order_by("-published_at", "-pk").values("pk")[:1]
    newer = published.filter(after).order_by("published_at", "pk").values("pk")[:1]
    neighbours = list(published.filter(Q(pk__in=older) | Q(pk__in=newer)))
    place = (post.published_at, post.pk)
    return (
        [other for other in neighbours if (other.published_at, other.pk) < place],
        [other for other in neighbours if (other.published_at, other.pk) > place],
    )


def related_posts(post, limit=RELATED_POSTS):
    """
    Published posts sharing tags with ``post``, best first: each shared tag
    weighs 1/n for a tag on n published posts, so sharing a rare tag says
    more than sharing a common one. Two queries however many posts and tags.
    """
    published = Post.objects.published()
    tag_sizes = list(
        TaggedPost.objects.filter(tag__in=TaggedPost.objects.filter(content_object=post).values("tag"))
        .filter(content_object__in=published)
        .values("tag")
        .annotate(posts=Count("pk"))
        .values_list("tag", "posts")
    )
    weights = [When(tagged_items__tag=tag, then=Value(1.0 / size)) for tag, size in tag_sizes]
    if not weights:
        return Post.objects.none()
    return (
        published.exclude(pk=post.pk)
        .filter(tagged_items__tag__in=[tag for tag, _ in tag_sizes])
        .annotate(score=Sum(Case(*weights, default=Value(0.0), output_field=FloatField())))
        .only("title", "slug", "dek", "published_at")
        .order_by("-score", "-published_at", "-pk")[:limit]
    )


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

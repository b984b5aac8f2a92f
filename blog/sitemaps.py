from django.db.models import Max, Q
from django.urls import reverse

from core.site import SiteSitemap

from .models import Page, Post, published_tags
from .navigation import archive_months, authors


class PostSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return Post.objects.published().only("slug", "updated_at", "published_at").order_by("-published_at")

    def lastmod(self, post):
        return max(post.updated_at, post.published_at)


class TagSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        published = Post.objects.published()
        return (
            published_tags(counted=True)
            .annotate(
                last_post=Max(
                    "blog_taggedpost_items__content_object__updated_at",
                    filter=Q(blog_taggedpost_items__content_object__in=published),
                )
            )
            .order_by("name")
        )

    def location(self, tag):
        return reverse("blog:tag-detail", args=[tag.slug])

    def lastmod(self, tag):
        return tag.last_post


class PageSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return [
            "blog:post-list",
            "blog:hindsight",
            "blog:hindsight-tags",
            "blog:tag-list",
            "blog:archive",
            "blog:series-list",
        ]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Post.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class VerdictSitemap(SiteSitemap):
    """Each verdict's listing on /hindsight/<verdict>/ that has a post (issue 12)."""

    changefreq = "weekly"
    priority = 0.4

    def items(self):
        from .scorecard import verdicts_in_use

        return verdicts_in_use()

    def location(self, verdict):
        return reverse("blog:hindsight-verdict", args=[verdict])


class ArchiveSitemap(SiteSitemap):
    """Each month with a published post, and each year (issue 15)."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        months = [row["month"] for row in archive_months()]
        years = sorted({month.year for month in months}, reverse=True)
        return [("year", year, None) for year in years] + [("month", m.year, m.month) for m in months]

    def location(self, item):
        kind, year, month = item
        if kind == "year":
            return reverse("blog:archive-year", args=[f"{year:04d}"])
        return reverse("blog:archive-month", args=[f"{year:04d}", f"{month:02d}"])


class AuthorSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        return authors().order_by("pk")

    def location(self, user):
        return reverse("blog:author", args=[user.pk])


class StandingPageSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Page.objects.order_by("slug")

    def lastmod(self, page):
        return page.updated_at


class SeriesSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        from .series import public_series

        return public_series().order_by("slug")

    def lastmod(self, series):
        return series.updated_at


sitemaps = {
    "pages": PageSitemap,
    "posts": PostSitemap,
    "tags": TagSitemap,
    "verdicts": VerdictSitemap,
    "archives": ArchiveSitemap,
    "authors": AuthorSitemap,
    "standing": StandingPageSitemap,
    "series": SeriesSitemap,
}

"""Counterpoints in the sitemap (config/urls.py puts them beside blog's sections)."""

from django.urls import reverse

from core.site import SiteSitemap

from .permalinks import public_counterpoints


class CounterpointSitemap(SiteSitemap):
    """Each approved counterpoint's own page (issue 15)."""

    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return public_counterpoints().only("pk", "post__slug", "submitted_at", "reviewed_at").order_by("pk")

    def location(self, counterpoint):
        return reverse("counterpoints:detail", args=[counterpoint.post.slug, counterpoint.pk])

    def lastmod(self, counterpoint):
        return counterpoint.reviewed_at or counterpoint.submitted_at

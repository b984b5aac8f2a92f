from django.db.models import Max, Q
from django.urls import reverse

from core.site import SiteSitemap

from .models import Post, published_tags


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
            published_tags()
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
        return ["blog:post-list", "blog:hindsight", "blog:tag-list"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return Post.objects.published().aggregate(latest=Max("updated_at"))["latest"]


sitemaps = {"pages": PageSitemap, "posts": PostSitemap, "tags": TagSitemap}

"""
Approved counterpoints as first-class pages (issue 15): one page each, at a
permanent address under its post, and feeds of them, site-wide and per post.
Pending, rejected and spam counterpoints are 404 here, like drafts.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext

from blog.models import Post
from core.caching import cacheable_for_anonymous
from core.markup import absolute_urls
from core.site import SiteFeed

from .models import Counterpoint

FEED_LENGTH = 20


def public_counterpoints():
    """Approved counterpoints on published posts: what these pages and feeds may show."""
    return Counterpoint.objects.approved().filter(post__in=Post.objects.published()).select_related("post")


def permalink(counterpoint):
    return reverse("counterpoints:detail", args=[counterpoint.post.slug, counterpoint.pk])


@cacheable_for_anonymous(query=[])
def counterpoint_detail(request, slug, pk):
    counterpoint = get_object_or_404(public_counterpoints(), pk=pk, post__slug=slug)
    return render(
        request,
        "counterpoints/counterpoint_detail.html",
        {"counterpoint": counterpoint, "post": counterpoint.post},
    )


class CounterpointsFeed(SiteFeed):
    """Approved counterpoints, newest first: all of them, or one post's."""

    def get_object(self, request, slug=None):
        if slug is None:
            return None
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, post=None):
        if post is not None:
            return gettext("%(site)s: counterpoints on “%(title)s”") % {
                "site": settings.SITE_NAME,
                "title": post.title,
            }
        return gettext("%(site)s: counterpoints") % {"site": settings.SITE_NAME}

    def description(self, post=None):
        return gettext(
            "Readers push back, extend the argument, or sharpen it; each one approved by a moderator."
        )

    def subtitle(self, post=None):
        return self.description(post)

    def link(self, post=None):
        return post.get_absolute_url() + "#counterpoints" if post is not None else reverse("blog:post-list")

    def feed_url(self, post=None):
        atom = self.feed_type is Atom1Feed
        if post is not None:
            return reverse(
                "counterpoints:post-feed-atom" if atom else "counterpoints:post-feed", args=[post.slug]
            )
        return reverse("counterpoints:feed-atom" if atom else "counterpoints:feed")

    def items(self, post=None):
        counterpoints = public_counterpoints()
        if post is not None:
            counterpoints = counterpoints.filter(post=post)
        return counterpoints.order_by("-submitted_at", "-pk")[:FEED_LENGTH]

    def item_title(self, counterpoint):
        return gettext("%(name)s on “%(title)s” (%(stance)s)") % {
            "name": counterpoint.author_name,
            "title": counterpoint.post.title,
            "stance": counterpoint.get_stance_display(),
        }

    def item_link(self, counterpoint):
        return permalink(counterpoint)

    def item_description(self, counterpoint):
        parts = []
        if counterpoint.quote:
            parts.append(format_html("<blockquote><p>{}</p></blockquote>", counterpoint.quote))
        parts.append(counterpoint.body_html)
        if counterpoint.reply_html:
            parts.append(format_html("<p><strong>{}</strong></p>", gettext("Reply from the author")))
            parts.append(counterpoint.reply_html)
        return absolute_urls("".join(parts), settings.SITE_URL + permalink(counterpoint))

    def item_author_name(self, counterpoint):
        return counterpoint.author_name

    def item_pubdate(self, counterpoint):
        return counterpoint.submitted_at

    def item_updateddate(self, counterpoint):
        return counterpoint.reviewed_at or counterpoint.submitted_at

    def item_categories(self, counterpoint):
        return [counterpoint.get_stance_display()]


class AtomCounterpointsFeed(CounterpointsFeed):
    feed_type = Atom1Feed

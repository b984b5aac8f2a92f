"""RSS 2.0 and Atom feeds of published posts, all of them or one tag's."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext

from core.markup import absolute_urls
from core.site import SiteFeed

from .models import Hindsight, Post, published_tags

FEED_LENGTH = 20


class PostsFeed(SiteFeed):
    description_template = None

    def title(self, tag=None):
        if tag:
            return gettext("%(site)s: #%(tag)s") % {"site": settings.SITE_NAME, "tag": tag.name}
        return settings.SITE_NAME

    def description(self, tag=None):
        return gettext("Opinions and predictions, held to account.")

    def link(self, tag=None):
        return reverse("blog:tag-detail", args=[tag.slug]) if tag else reverse("blog:post-list")

    def feed_url(self, tag=None):
        name = "blog:tag-feed-atom" if self.feed_type is Atom1Feed else "blog:tag-feed"
        return reverse(name, args=[tag.slug]) if tag else reverse(self.url_name)

    url_name = "blog:feed"

    def get_object(self, request, slug=None):
        if slug is None:
            return None
        return get_object_or_404(published_tags(), slug=slug)

    def items(self, tag=None):
        posts = Post.objects.published().for_listing().defer(None)
        if tag is not None:
            posts = posts.filter(tags=tag)
        return posts[:FEED_LENGTH]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        # Full content: the verdict first (when there is one), then the body.
        parts = []
        if post.dek:
            parts.append(format_html("<p><em>{}</em></p>", post.dek))
        if post.current_verdict:
            parts.append(
                format_html("<p><strong>hindsight — {}</strong></p>", post.get_current_verdict_display())
            )
        parts.append(post.body_html)
        return absolute_urls("".join(parts), settings.SITE_URL + post.get_absolute_url())

    def item_author_name(self, post):
        if post.author:
            return post.author.get_full_name() or post.author.get_username()
        return settings.SITE_AUTHOR

    def item_categories(self, post):
        categories = [tag.name for tag in post.tags.all()]
        if post.current_verdict:
            categories.append(
                gettext("hindsight: %(verdict)s") % {"verdict": post.get_current_verdict_display()}
            )
        return categories

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return max(post.updated_at, post.published_at)


class AtomPostsFeed(PostsFeed):
    feed_type = Atom1Feed
    url_name = "blog:feed-atom"

    def subtitle(self, tag=None):
        return self.description(tag)


class VerdictsFeed(SiteFeed):
    """What I got right and wrong: every verdict on a published post, newest first."""

    def title(self):
        return gettext("%(site)s: verdicts") % {"site": settings.SITE_NAME}

    def description(self):
        return gettext("What I got right and wrong, as each verdict comes in.")

    def link(self):
        return reverse("blog:hindsight")

    def items(self):
        return (
            Hindsight.objects.filter(post__in=Post.objects.published())
            .select_related("post")
            .order_by("-decided_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, hindsight):
        return gettext("%(verdict)s: %(title)s") % {
            "verdict": hindsight.get_verdict_display(),
            "title": hindsight.post.title,
        }

    def item_link(self, hindsight):
        return hindsight.post.get_absolute_url() + f"#verdict-{hindsight.pk}"

    def item_guid(self, hindsight):
        return f"{settings.SITE_URL}{hindsight.post.get_absolute_url()}#verdict-{hindsight.pk}"

    item_guid_is_permalink = False

    def item_description(self, hindsight):
        label = format_html("<p><strong>hindsight — {}</strong></p>", hindsight.get_verdict_display())
        return absolute_urls(
            label + hindsight.note_html, settings.SITE_URL + hindsight.post.get_absolute_url()
        )

    def item_author_name(self, hindsight):
        return settings.SITE_AUTHOR

    def item_categories(self, hindsight):
        return [gettext("hindsight: %(verdict)s") % {"verdict": hindsight.get_verdict_display()}]

    def item_pubdate(self, hindsight):
        return hindsight.decided_at

    def item_updateddate(self, hindsight):
        # Atom requires <updated> on every entry; a saved verdict never changes.
        return hindsight.decided_at


class AtomVerdictsFeed(VerdictsFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()

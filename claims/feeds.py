"""
Judged claims in the verdict feed (/hindsight/feed/ and its Atom twin):
blog.feeds' verdict feeds with claim verdicts mixed in, newest first beside
the posts’ verdicts. claims/urls.py serves these.
"""

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext

from blog import feeds as blog_feeds
from blog.models import Post

from .models import ClaimVerdict, Outcome

FEED_LENGTH = 20


class WithClaimVerdicts:
    """Adds claim verdicts (true, false, partly true, void) to a feed of Hindsight rows."""

    def items(self):
        posts = list(super().items())
        claims = list(
            ClaimVerdict.objects.filter(claim__post__in=Post.objects.published())
            .exclude(verdict=Outcome.OPEN)
            .select_related("claim__post")
            .order_by("-decided_at", "-pk")[:FEED_LENGTH]
        )
        return sorted(posts + claims, key=lambda item: item.decided_at, reverse=True)[:FEED_LENGTH]

    def _claim(self, item, method, *args):
        if isinstance(item, ClaimVerdict):
            return getattr(self, f"claim_{method}")(item, *args)
        return getattr(super(), f"item_{method}")(item, *args)

    def item_title(self, item):
        return self._claim(item, "title")

    def item_link(self, item):
        return self._claim(item, "link")

    def item_guid(self, item):
        return self._claim(item, "guid")

    def item_description(self, item):
        return self._claim(item, "description")

    def item_categories(self, item):
        return self._claim(item, "categories")

    def claim_title(self, verdict):
        return gettext("Claim %(verdict)s: %(text)s") % {
            "verdict": verdict.get_verdict_display(),
            "text": verdict.claim.text[:100],
        }

    def claim_link(self, verdict):
        return verdict.claim.get_absolute_url()

    def claim_guid(self, verdict):
        return f"{settings.SITE_URL}{verdict.claim.get_absolute_url()}/verdict-{verdict.pk}"

    def claim_description(self, verdict):
        claim = verdict.claim
        return format_html(
            "<p><strong>{}</strong> {}</p><blockquote><p>{}</p></blockquote>{}",
            gettext("claim — %(verdict)s") % {"verdict": verdict.get_verdict_display()},
            gettext("(stated at %(confidence)d%% confidence in “%(title)s”)")
            % {"confidence": claim.confidence, "title": claim.post.title},
            claim.text,
            format_html("<p>{}</p>", verdict.note) if verdict.note else "",
        )

    def claim_categories(self, verdict):
        return [gettext("claim: %(verdict)s") % {"verdict": verdict.get_verdict_display()}]


class VerdictsFeed(WithClaimVerdicts, blog_feeds.VerdictsFeed):
    pass


class AtomVerdictsFeed(WithClaimVerdicts, blog_feeds.AtomVerdictsFeed):
    pass

import json

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..markup import plain_text
from ..models import Post, Verdict

register = template.Library()


@register.filter
def verdict_label(value):
    """'nailed_it' → 'nailed it' (for annotated verdict values)."""
    try:
        return Verdict(value).label
    except ValueError:
        return ""


# ClaimReview ratings: the verdicts that settle a claim, on a 1–3 scale.
CLAIM_RATINGS = {Verdict.WRONG: 1, Verdict.PARTLY_RIGHT: 2, Verdict.NAILED_IT: 3}


@register.simple_tag
def claim_review_json_ld(post, hindsight):
    """
    schema.org ClaimReview for a judged post, as a JSON-LD script block.

    The JSON is escaped as ``json_script`` does, so no text in it can close
    the element; a data block is not script, so the CSP is not involved.
    """
    url = settings.SITE_URL + post.get_absolute_url()
    author = {"@type": "Person", "name": settings.SITE_AUTHOR}
    rating = {"@type": "Rating", "alternateName": hindsight.get_verdict_display()}
    if hindsight.verdict in CLAIM_RATINGS:
        rating |= {"ratingValue": CLAIM_RATINGS[hindsight.verdict], "bestRating": 3, "worstRating": 1}
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": post.dek or post.title,
        "datePublished": hindsight.decided_at.date().isoformat(),
        "author": author,
        "reviewRating": rating,
        "reviewBody": plain_text(hindsight.note),
        "itemReviewed": {
            "@type": "Claim",
            "author": author,
            "datePublished": post.published_at.date().isoformat() if post.published_at else None,
            "appearance": {"@type": "CreativeWork", "url": url, "headline": post.title},
        },
    }
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def posts_due_for_verdict(user):
    """How many posts are past their check-back date without a settled verdict (None if not staff)."""
    if not user.has_perm("blog.change_post"):
        return None
    return Post.objects.due_for_verdict().count()


@register.filter
def percent(share):
    """0.625 → '63%'; None (no denominator) → '—'."""
    return "—" if share is None else f"{round(share * 100)}%"

import datetime
import json
import math
from collections import Counter

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..calibration import ReadersRecord, calibration_record, readers_record
from ..models import Claim, Outcome

register = template.Library()

# The chart's plot area inside its 320 × 320 viewBox.
LEFT, TOP, SIZE = 48, 16, 256


@register.filter
def claim_tally(claims):
    """'2 true, 1 not judged yet' for a post's claims (withdrawn ones left out), from the loaded list."""
    tally = Counter(claim.current_verdict or "unjudged" for claim in claims if not claim.withdrawn)
    labels = [*Outcome.choices, ("unjudged", gettext("not judged yet"))]
    return ", ".join(f"{tally[value]} {label}" for value, label in labels if tally[value])


@register.filter
def open_claims(claims):
    """The claims still in the text (for the counterpoint form's choice)."""
    return [claim for claim in claims if not claim.withdrawn]


# ClaimReview ratings on the same 1–3 scale as a post's (blog_tags.CLAIM_RATINGS).
RATINGS = {Outcome.FALSE: 1, Outcome.PARTLY: 2, Outcome.TRUE: 3}
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def claim_reviews_json_ld(post, claims):
    """A schema.org ClaimReview per judged claim (true, false or partly true), as JSON-LD data blocks."""
    url = settings.SITE_URL + post.get_absolute_url()
    author = {"@type": "Person", "name": settings.SITE_AUTHOR}
    blocks = []
    for claim in claims:
        if claim.current_verdict not in RATINGS:
            continue
        data = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{url}#{claim.anchor}",
            "claimReviewed": claim.text,
            "author": author,
            "reviewRating": {
                "@type": "Rating",
                "alternateName": claim.get_current_verdict_display(),
                "ratingValue": RATINGS[claim.current_verdict],
                "bestRating": 3,
                "worstRating": 1,
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": author,
                "datePublished": post.published_at.date().isoformat(),
                "appearance": {"@type": "CreativeWork", "url": url, "headline": post.title},
            },
        }
        payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
        blocks.append(format_html('<script type="application/ld+json">{}</script>', mark_safe(payload)))  # noqa: S308
    return mark_safe("\n".join(blocks))  # noqa: S308 - each block escaped above


@register.simple_tag
def claims_due_for_verdict(user):
    """How many claims are past their check-back date without a verdict (None if not staff)."""
    if not user.has_perm("claims.change_claim"):
        return None
    return Claim.objects.due_for_verdict().count()


def _point(share):
    return round(LEFT + share * SIZE, 1), round(TOP + (1 - share) * SIZE, 1)


@register.simple_tag
def calibration(tag=None, year=None):
    """The calibration record for /hindsight/, with the chart's geometry worked out."""
    try:
        year = int(year) if year else None
    except (TypeError, ValueError):
        year = None
    if year is not None and not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        year = None  # not a year a date can have: the whole record
    record, years = calibration_record(tag=tag, year=year)
    largest = max((bucket.count for bucket in record.buckets), default=0) or 1
    points = []
    for bucket in record.filled_buckets:
        x, _ = _point(bucket.stated)
        _, y = _point(bucket.observed)
        radius = round(4 + 8 * math.sqrt(bucket.count / largest), 1)
        points.append({"bucket": bucket, "x": x, "y": y, "r": radius})
    ticks = [{"label": f"{share}%", "at": _point(share / 100)} for share in (0, 25, 50, 75, 100)]
    return {
        "record": record,
        "points": points,
        "ticks": ticks,
        "plot": {"left": LEFT, "top": TOP, "right": LEFT + SIZE, "bottom": TOP + SIZE},
        "years": years,
        # No resolved claim, no forecast to score: spare the query.
        "readers": readers_record(tag=tag, year=year) if record.count else ReadersRecord(),
        "year": year,
    }

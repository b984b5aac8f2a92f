import math
from collections import Counter

from django import template

from ..calibration import calibration_record, claim_years
from ..models import Claim, Outcome

register = template.Library()

# The chart's plot area inside its 320 × 320 viewBox.
LEFT, TOP, SIZE = 48, 16, 256


@register.filter
def claim_tally(claims):
    """'2 true, 1 not judged yet' for a post's claims (withdrawn ones left out), from the loaded list."""
    tally = Counter(claim.current_verdict or "unjudged" for claim in claims if not claim.withdrawn)
    labels = [*Outcome.choices, ("unjudged", "not judged yet")]
    return ", ".join(f"{tally[value]} {label}" for value, label in labels if tally[value])


@register.filter
def open_claims(claims):
    """The claims still in the text (for the counterpoint form's choice)."""
    return [claim for claim in claims if not claim.withdrawn]


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
    record = calibration_record(tag=tag, year=year)
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
        "years": claim_years(),
        "year": year,
    }

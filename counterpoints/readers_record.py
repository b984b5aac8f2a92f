"""
The public readers' record on /hindsight/ (issue 16): each reader who asked
for it, by name, with their Brier score on the claims they gave a
probability for, the author's Brier score on those same claims, and on how
many of them the reader was closer to what happened.

Who is listed: an address whose owner said yes to a name through the
signed confirmation link (``ConfirmedAddress.in_record_since`` and
``record_name``, counterpoints/trust.py), while an *approved* counterpoint
of theirs asks to join under that name (``Counterpoint.joins_record``), so
every name shown was seen by a moderator. What counts: every probability on their approved counterpoints
(not only the ones that asked, so nobody can pick their best) on resolved
claims of published posts, with the same tag and year filters as the
calibration record; a reader who answered one claim twice counts once, with
their latest probability. Readers are matched to their counterpoints by the
address in lower case.

Two queries whatever the number of readers and forecasts: the listed
names, and the forecasts (one row each, summed into scores here).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

from claims.calibration import resolved_claims
from claims.models import OUTCOME_VALUES, Forecast

from .models import ConfirmedAddress, Counterpoint


@dataclass
class ReaderScore:
    name: str
    claims: int = 0
    reader_total: int = 0  # squared errors in percentage points
    author_total: int = 0
    beat_author: int = 0  # claims where the reader's probability was closer than the author's

    @property
    def brier(self):
        return self.reader_total / self.claims / 10_000

    @property
    def author_brier(self):
        return self.author_total / self.claims / 10_000


def public_readers_record(*, tag=None, year=None):
    """
    The listed readers with at least one scored forecast, best Brier score
    first (ties: more claims first, then by name).
    """
    approved_ask = (
        Counterpoint.objects.approved()
        .filter(joins_record=True, record_name=OuterRef("record_name"))
        .annotate(email=Lower("author_email"))
        .filter(email=OuterRef("email"))
    )
    names = dict(
        ConfirmedAddress.objects.filter(in_record_since__isnull=False)
        .filter(Exists(approved_ask))
        .values_list("email", "record_name")
    )
    if not names:
        return []

    forecasts = (
        Forecast.objects.filter(
            probability__isnull=False,
            claim__in=resolved_claims(tag=tag),
            counterpoint__status=Counterpoint.Status.APPROVED,
        )
        .annotate(email=Lower("counterpoint__author_email"))
        .filter(email__in=list(names))
    )
    if year is not None:
        forecasts = forecasts.filter(claim__post__published_at__year=year)
    rows = forecasts.order_by("email", "claim_id", "-counterpoint__submitted_at", "-pk").values_list(
        "email", "claim_id", "probability", "claim__confidence", "claim__current_verdict"
    )

    scores, seen = {}, set()
    for email, claim_id, probability, confidence, verdict in rows:
        if (email, claim_id) in seen:
            continue  # an earlier probability on a claim the reader answered again
        seen.add((email, claim_id))
        # In whole percentage points, so that a tie is a tie (0.2 and 0.8 are
        # not equally far from 0.5 in floating point).
        outcome = round(OUTCOME_VALUES[verdict] * 100)
        reader_error = (probability - outcome) ** 2
        author_error = (confidence - outcome) ** 2
        score = scores.setdefault(email, ReaderScore(name=names[email]))
        score.claims += 1
        score.reader_total += reader_error
        score.author_total += author_error
        score.beat_author += reader_error < author_error
    return sorted(scores.values(), key=lambda s: (s.brier, -s.claims, s.name.casefold()))

"""
The calibration record: of the claims stated at about p% confidence, how
many held? And the Brier score, the mean squared gap between the stated
probability and what happened (0 is perfect; always saying 50% scores
0.25 on true/false claims, which is the baseline shown beside it).

Only claims with a scored verdict count: true (1), false (0) and partly
true (0.5). Still-open and void claims are not scored. The counts per year,
confidence and verdict are kept in ClaimTally (rebuilt by the first reader
after a change, see blog/tallies.py), so a request reads a few hundred rows
however many claims there are.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef
from django.db.models.functions import ExtractYear

from blog.tallies import ensure_fresh

from .models import OUTCOME_VALUES, Claim, ClaimTally, Forecast

BUCKET_WIDTH = 10
MIN_FOR_CALIBRATION = 10  # fewer resolved claims than this are too few to judge calibration


@dataclass
class Bucket:
    low: int
    high: int
    count: int = 0
    stated_total: float = 0.0
    observed_total: float = 0.0

    @property
    def label(self):
        return f"{self.low}–{self.high}%"

    @property
    def stated(self):
        """The mean stated probability in the bucket (0–1)."""
        return self.stated_total / self.count if self.count else None

    @property
    def observed(self):
        """How often the claims held (0–1; partly true counts as half)."""
        return self.observed_total / self.count if self.count else None


@dataclass
class Record:
    buckets: list = field(default_factory=list)
    count: int = 0
    brier: float | None = None
    baseline: float | None = None
    outcomes: Counter = field(default_factory=Counter)

    @property
    def filled_buckets(self):
        return [bucket for bucket in self.buckets if bucket.count]

    @property
    def enough(self):
        return self.count >= MIN_FOR_CALIBRATION

    @property
    def beats_baseline(self):
        return self.brier is not None and self.brier < self.baseline


def score(pairs):
    """
    A Record from ``pairs`` of (confidence in percent, verdict, how many).
    Pure: the tests give it hand-made pairs.
    """
    record = Record(
        buckets=[Bucket(max(low, 1), low + BUCKET_WIDTH - 1) for low in range(0, 100, BUCKET_WIDTH)]
    )
    squared = baseline = 0.0
    for confidence, verdict, n in pairs:
        if verdict not in OUTCOME_VALUES or not n:
            continue
        outcome, p = OUTCOME_VALUES[verdict], confidence / 100
        bucket = record.buckets[min(confidence // BUCKET_WIDTH, len(record.buckets) - 1)]
        bucket.count += n
        bucket.stated_total += p * n
        bucket.observed_total += outcome * n
        record.count += n
        record.outcomes[verdict] += n
        squared += (p - outcome) ** 2 * n
        baseline += (0.5 - outcome) ** 2 * n
    if record.count:
        record.brier = squared / record.count
        record.baseline = baseline / record.count
    return record


def resolved_claims(*, tag=None):
    """Resolved claims of published posts, optionally of one tag."""
    claims = Claim.objects.published().resolved()
    return claims if tag is None else claims.filter(post__tags=tag)


def rebuild_tallies():
    """Count every resolved claim of a published post again into ClaimTally: two grouped queries."""
    claims = resolved_claims().order_by().annotate(year=ExtractYear("post__published_at"))
    rows = [
        ClaimTally(tag_id=None, **row)
        for row in claims.values("year", "confidence", verdict=F("current_verdict")).annotate(
            count=Count("pk")
        )
    ]
    tagged = claims.filter(post__tags__isnull=False).values(
        "year", "confidence", tag_id=F("post__tags"), verdict=F("current_verdict")
    )
    rows += [ClaimTally(**row) for row in tagged.annotate(count=Count("pk", distinct=True))]
    ClaimTally.objects.all().delete()
    ClaimTally.objects.bulk_create(rows)


def calibration_record(*, tag=None, year=None):
    """
    The Record for ``tag`` (optional) and ``year`` of publication (optional),
    and the years that have resolved claims, newest first, from the tallies
    (per year, confidence and verdict: a few hundred rows at most, however
    many claims there are; see blog/tallies.py).
    """
    ensure_fresh("claims", rebuild_tallies)
    rows = ClaimTally.objects.filter(tag__isnull=True) if tag is None else ClaimTally.objects.filter(tag=tag)
    rows = list(rows.values_list("year", "confidence", "verdict", "count"))
    years = sorted({row[0] for row in rows}, reverse=True)
    pairs = (
        (confidence, verdict, n) for row_year, confidence, verdict, n in rows if year in (None, row_year)
    )
    return score(pairs), years


@dataclass
class ReadersRecord:
    """Readers' probabilities (on approved counterpoints) against the author's, on the same claims."""

    forecasts: int = 0
    reader_brier: float | None = None
    author_brier: float | None = None
    readers_better: int = 0  # forecasts closer to what happened than the author's confidence


def readers_record(*, tag=None, year=None):
    """
    One grouped query over the public forecasts (approved counterpoints) on
    resolved claims: per stated confidence, verdict and reader probability.
    """
    # Forecasts point at counterpoints ("counterpoints.Counterpoint"): reached through that relation.
    Counterpoint = Forecast._meta.get_field("counterpoint").related_model
    # The claim and the counterpoint probed per forecast (not ``claim__in``
    # or joins), so the database starts from the forecasts: their number, not
    # the claims' or the counterpoints', sets the cost.
    claims = resolved_claims(tag=tag)
    if year is not None:
        claims = claims.filter(post__published_at__year=year)
    forecasts = Forecast.objects.filter(
        Exists(claims.filter(pk=OuterRef("claim"))),
        Exists(Counterpoint.objects.approved().filter(pk=OuterRef("counterpoint"))),
        probability__isnull=False,
    )
    rows = forecasts.order_by().values("claim__confidence", "claim__current_verdict", "probability")
    record, reader_total, author_total = ReadersRecord(), 0.0, 0.0
    for row in rows.annotate(n=Count("pk")):
        outcome, n = OUTCOME_VALUES[row["claim__current_verdict"]], row["n"]
        reader_error = (row["probability"] / 100 - outcome) ** 2
        author_error = (row["claim__confidence"] / 100 - outcome) ** 2
        record.forecasts += n
        reader_total += reader_error * n
        author_total += author_error * n
        record.readers_better += n if reader_error < author_error else 0
    if record.forecasts:
        record.reader_brier = reader_total / record.forecasts
        record.author_brier = author_total / record.forecasts
    return record

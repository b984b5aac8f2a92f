"""
The track record behind /hindsight/: what the author got right and wrong.

Everything is computed from the data in a fixed number of queries, whatever
the number of posts: one grouped count per breakdown (overall, per year, per
tag), the newest judged posts of each verdict, and the most-conceded
counterpoints.
Denominators are honest: "right" is out of the posts with a settled verdict,
and still-open and unjudged posts are counted and shown beside it.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Value, When, Window
from django.db.models.functions import ExtractYear, RowNumber
from django.utils.translation import gettext

from .models import Post, Verdict

GROUP_SIZE = 10
SETTLED = (Verdict.NAILED_IT, Verdict.PARTLY_RIGHT, Verdict.WRONG)
UNJUDGED = "unjudged"


@dataclass
class Tally:
    """Counts of current verdicts (plus unjudged posts) for some set of posts."""

    label: str = ""
    slug: str = ""
    counts: Counter = field(default_factory=Counter)

    @property
    def published(self):
        return sum(self.counts.values())

    @property
    def judged(self):
        return self.published - self.counts[UNJUDGED]

    @property
    def settled(self):
        return sum(self.counts[verdict] for verdict in SETTLED)

    @property
    def open(self):
        return self.counts[Verdict.STILL_OPEN]

    @property
    def unjudged(self):
        return self.counts[UNJUDGED]

    @property
    def right_share(self):
        """Nailed it, out of settled verdicts (None when nothing is settled)."""
        return self.counts[Verdict.NAILED_IT] / self.settled if self.settled else None

    @property
    def right_share_partial(self):
        """Nailed it plus half of partly right, out of settled verdicts."""
        if not self.settled:
            return None
        return (self.counts[Verdict.NAILED_IT] + self.counts[Verdict.PARTLY_RIGHT] / 2) / self.settled

    def columns(self):
        """Counts in display order: each verdict, then unjudged."""
        return [self.counts[verdict] for verdict in Verdict.values] + [self.unjudged]


def _grouped(posts, key, label=None):
    """{group: Tally} from one grouped count query."""
    rows = posts.values(key, *([label] if label else []), "current_verdict").annotate(
        n=Count("pk", distinct=True)
    )
    tallies = defaultdict(Tally)
    for row in rows:
        tally = tallies[row[key]]
        tally.slug = row[key]
        tally.label = row[label] if label else row[key]
        tally.counts[row["current_verdict"] or UNJUDGED] += row["n"]
    return tallies


def _published(tag=None):
    posts = Post.objects.published().order_by()
    return posts if tag is None else posts.filter(tags=tag)


def judged_posts(*, tag=None, verdict=None):
    """Published posts with a verdict (optionally one verdict, one tag), as cards show them."""
    posts = _published(tag).exclude(current_verdict="").for_listing()
    if verdict is not None:
        posts = posts.filter(current_verdict=verdict)
    return posts


def track_record(*, tag=None):
    posts = _published(tag)

    overall = Tally(label=gettext("All posts"))
    for row in posts.values("current_verdict").annotate(n=Count("pk")):
        overall.counts[row["current_verdict"] or UNJUDGED] += row["n"]

    by_year = _grouped(posts.annotate(year=ExtractYear("published_at")), "year")
    by_tag = _grouped(posts.filter(tags__isnull=False), "tags__slug", "tags__name")

    # The newest few posts of each verdict, in one query (a window per
    # verdict); the full lists are paginated by judged_posts().
    newest_ids = (
        _published(tag)
        .exclude(current_verdict="")
        .annotate(
            row=Window(
                RowNumber(),
                partition_by=F("current_verdict"),
                order_by=[F("published_at").desc(), F("pk").desc()],
            )
        )
        .filter(row__lte=GROUP_SIZE)
    )
    # Pick the few posts first, then load what their cards show.
    latest = judged_posts().filter(pk__in=newest_ids.values("pk"))
    groups = {verdict: [] for verdict in Verdict.values}
    for post in latest:
        groups[post.current_verdict].append(post)

    return {
        "overall": overall,
        "conceded": most_conceded(tag=tag),
        "by_year": sorted(by_year.values(), key=lambda tally: tally.label, reverse=True),
        "by_tag": sorted(by_tag.values(), key=lambda tally: (-tally.judged, tally.label)),
        "groups": [
            {"verdict": verdict, "label": label, "posts": groups[verdict], "count": overall.counts[verdict]}
            for verdict, label in Verdict.choices
        ],
    }


def most_conceded(*, tag=None, limit=10):
    """Approved counterpoints the author conceded, fully conceded first."""
    from counterpoints.models import Counterpoint

    AuthorResponse = Counterpoint.AuthorResponse
    conceded = (
        Counterpoint.objects.approved()
        .filter(
            response__in=[AuthorResponse.CONCEDED, AuthorResponse.PARTLY_CONCEDED],
            post__in=Post.objects.published(),
        )
        .select_related("post")
        .annotate(
            fully=Case(
                When(response=AuthorResponse.CONCEDED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-fully", "-reviewed_at", "-pk")
    )
    if tag is not None:
        conceded = conceded.filter(post__tags=tag)
    return conceded[:limit]

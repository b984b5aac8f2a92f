"""
The track record behind /hindsight/: what the author got right and wrong.

The breakdowns (overall, per year, per tag) are read from tallies kept in
VerdictTally (blog/tallies.py: rebuilt by the first reader after a change),
so a request reads a few hundred rows however many posts there are; the
newest judged posts of each verdict come from the verdict's index; and the
most-conceded counterpoints from a partial index. A fixed number of
queries, whatever the number of posts.

The overview shows a bounded amount whatever the site's size (issue 11:
what it rendered, not its SQL, made it grow): the newest few posts of each
verdict and the tags with the most judged posts. The full lists are a link
away, /hindsight/<verdict>/ and /hindsight/tags/ (tag_breakdown).
Denominators are honest: "right" is out of the posts with a settled verdict,
and still-open and unjudged posts are counted and shown beside it.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext
from taggit.models import Tag

from .models import Post, TaggedPost, Verdict, VerdictTally, published_condition
from .tallies import ensure_fresh

ENTRIES_PER_VERDICT = 3  # the newest few of each verdict; the rest are on /hindsight/<verdict>/
TOP_TAGS = 15  # tags in the overview's table and filter; every tag is on /hindsight/tags/
TAGS_PER_PAGE = 50
CONCEDED_SHOWN = 5  # the newest conceded counterpoints on the overview
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


def rebuild_tallies():
    """
    Count every published post again into VerdictTally (see blog/tallies.py),
    and rank the tags for the by-tag breakdown: three queries.
    """
    posts = Post.objects.published().order_by().annotate(year=ExtractYear("published_at"))
    counts = Counter()
    for row in posts.values("year", "current_verdict").annotate(n=Count("pk")):
        for year in (row["year"], None):
            counts[None, year, row["current_verdict"]] += row["n"]
    tagged = posts.filter(tags__isnull=False).values("tags", "year", "current_verdict")
    for row in tagged.annotate(n=Count("pk", distinct=True)):
        for year in (row["year"], None):
            counts[row["tags"], year, row["current_verdict"]] += row["n"]
    ranks = _rank_tags(counts)
    VerdictTally.objects.all().delete()
    VerdictTally.objects.bulk_create(
        VerdictTally(
            tag_id=tag, year=year, verdict=verdict, count=n, rank=ranks.get(tag) if year is None else None
        )
        for (tag, year, verdict), n in counts.items()
    )


def _rank_tags(counts):
    """{tag id: rank}: the most judged posts first, then the most posts, then by name."""
    judged, published = Counter(), Counter()
    for (tag, year, verdict), n in counts.items():
        if tag is not None and year is None:
            published[tag] += n
            judged[tag] += n if verdict else 0
    names = dict(Tag.objects.filter(pk__in=list(published)).values_list("pk", "name"))
    ranked = sorted(published, key=lambda tag: (-judged[tag], -published[tag], names[tag].casefold(), tag))
    return {tag: rank for rank, tag in enumerate(ranked, start=1)}


def _add_tag_row(tally, row):
    """Count one tag's VerdictTally ``row`` (of all years) into its ``tally``."""
    tally.slug, tally.label = row["tag__slug"], row["tag__name"]
    tally.counts[row["verdict"] or UNJUDGED] += row["count"]


def _tag_tally_rows(rows, tallies):
    """Add VerdictTally ``rows`` of all years to ``tallies``, a mapping of tag id to Tally."""
    for row in rows.values("tag", "tag__slug", "tag__name", "verdict", "count"):
        _add_tag_row(tallies[row["tag"]], row)
    return tallies


def _tallies(tag):
    """
    (overall, {year: Tally}, {tag slug: Tally}) for ``tag`` (or all posts),
    from one query; the per-tag tallies only for the TOP_TAGS tags with the
    most judged posts (and ``tag``), so the page is the same size whatever
    the number of tags: the rest are on /hindsight/tags/.
    """
    ensure_fresh("verdicts", rebuild_tallies)
    mine = Q(tag__isnull=True) if tag is None else Q(tag=tag)
    rows = VerdictTally.objects.filter(mine | Q(rank__lte=TOP_TAGS))
    overall, by_year, by_tag = Tally(label=gettext("All posts")), defaultdict(Tally), defaultdict(Tally)
    for row in rows.values("tag", "tag__slug", "tag__name", "year", "verdict", "count"):
        verdict = row["verdict"] or UNJUDGED
        if row["year"] is not None:
            tally = by_year[row["year"]]
            tally.slug = tally.label = row["year"]
            tally.counts[verdict] += row["count"]
            continue
        if row["tag"] is not None:
            _add_tag_row(by_tag[row["tag__slug"]], row)
        if row["tag"] == (tag.pk if tag else None):
            overall.counts[verdict] += row["count"]
    return overall, by_year, by_tag


class RankedTags:
    """
    Every tag's Tally in the by-tag breakdown's order, as a sequence a
    Paginator pages through: one query for the count, one for a page (its
    tags' rows, read by rank), however many tags there are.
    """

    def count(self):
        return VerdictTally.objects.aggregate(tags=Max("rank"))["tags"] or 0

    def __getitem__(self, ranks):
        rows = VerdictTally.objects.filter(rank__gt=ranks.start, rank__lte=ranks.stop).order_by("rank")
        return list(_tag_tally_rows(rows, defaultdict(Tally)).values())


def tag_breakdown(number):
    """Page ``number`` of every tag's Tally (TAGS_PER_PAGE a page); InvalidPage past the end."""
    ensure_fresh("verdicts", rebuild_tallies)
    return Paginator(RankedTags(), TAGS_PER_PAGE).page(number)


def verdicts_in_use():
    """The verdicts at least one published post carries now, in display order (from the tallies)."""
    ensure_fresh("verdicts", rebuild_tallies)
    carried = set(
        VerdictTally.objects.filter(tag__isnull=True, year__isnull=True, count__gt=0).values_list(
            "verdict", flat=True
        )
    )
    return [verdict for verdict in Verdict.values if verdict in carried]


def _published(tag=None):
    posts = Post.objects.published().order_by()
    return posts if tag is None else posts.filter(tags=tag)


def judged_posts(*, tag=None, verdict=None):
    """Published posts with a verdict (optionally one verdict, one tag), as cards show them."""
    posts = _published(tag).exclude(current_verdict="").for_listing()
    if verdict is not None:
        posts = posts.filter(current_verdict=verdict)
    return posts


def newest_judged(*, tag=None, limit=ENTRIES_PER_VERDICT):
    """
    {verdict: [its newest ``limit`` posts]}, with only what an entry shows:
    one small query per verdict, read from the post_status_verdict_date index
    in its order. Asked one by one rather than as ``pk IN (…) OR pk IN (…)``
    in a single query, which PostgreSQL answers by scanning the whole table.
    """
    return {
        verdict: list(
            _published(tag)
            .filter(current_verdict=verdict)
            .only("title", "slug", "dek", "published_at", "current_verdict")
            .order_by("-published_at", "-pk")[:limit]
        )
        for verdict in Verdict.values
    }


def track_record(*, tag=None):
    """Everything /hindsight/ shows of the record, overall or for ``tag``, in a fixed number of queries."""
    overall, by_year, by_tag = _tallies(tag)
    groups = newest_judged(tag=tag)
    return {
        "tags": sorted(by_tag.values(), key=lambda tally: tally.label.casefold()),
        "overall": overall,
        "conceded": most_conceded(tag=tag),
        "by_year": sorted(by_year.values(), key=lambda tally: tally.label, reverse=True),
        "by_tag": sorted(
            by_tag.values(), key=lambda tally: (-tally.judged, -tally.published, tally.label.casefold())
        ),
        "groups": [
            {"verdict": verdict, "label": label, "posts": groups[verdict], "count": overall.counts[verdict]}
            for verdict, label in Verdict.choices
        ],
    }


def most_conceded(*, tag=None, limit=CONCEDED_SHOWN):
    """Approved counterpoints the author conceded: the newest fully conceded first, then partly."""
    # Counterpoints point at posts ("blog.Post"): blog reaches them through that relation.
    Counterpoint = Post._meta.get_field("counterpoints").related_model
    AuthorResponse = Counterpoint.AuthorResponse
    # The newest few of each response, each read from the partial index
    # counterpoint_conceded in its order (its condition spelled out so the
    # database may use it): asked as one query, the databases start from
    # every published post's approved counterpoints.
    return [
        counterpoint
        for response in (AuthorResponse.CONCEDED, AuthorResponse.PARTLY_CONCEDED)
        for counterpoint in _conceded(Counterpoint, response, tag)
        .select_related("post")
        .only("response", "author_name", "body_html", "post__title", "post__slug")
        .order_by("-reviewed_at", "-pk")[:limit]
    ][:limit]


def _conceded(Counterpoint, response, tag):
    conceded = (
        Counterpoint.objects.approved()
        .exclude(response="")
        .filter(published_condition("post__"), response=response)
    )
    if tag is None:
        return conceded
    # A probe per conceded counterpoint, so the database still starts from them.
    return conceded.filter(Exists(TaggedPost.objects.filter(content_object=OuterRef("post"), tag=tag)))

"""
Every kind of page a reader can reach, with the data that makes each one
non-trivial: the list the validators (Nu HTML Checker, axe) walk (issue 15).
A new page type belongs here.
"""

from blog.models import Page, Series, SeriesPart, Verdict
from counterpoints.models import Counterpoint
from tests.support.factories import make_counterpoint, make_hindsight, make_post, make_user

BODY = (
    "A claim, *stated firmly*, with [a link](https://example.com/) and [a tag](/tags/ai/).\n\n"
    "## Why\n\nBecause of this table:\n\n| year | cost |\n|---|---|\n| 2025 | $5.5M |\n\n"
    "> A quoted line.\n\n- one\n- two\n\n```\ncode()\n```\n"
)


def make_reader_site():
    """Make the posts, verdicts and counterpoints; return ``{page name: path}``."""
    # The about page comes from a data migration, which transactional tests flush.
    Page.objects.get_or_create(slug="about", defaults={"title": "About", "body": "About *this* blog."})
    author = make_user(first_name="Ada", last_name="Writer")
    judged = make_post(
        title="A judged call", body=BODY, tags=["ai", "markets"], author=author, verdict=Verdict.PARTLY_RIGHT
    )
    make_hindsight(judged, verdict=Verdict.NAILED_IT, note="Called it, [see](#why).")
    unjudged = make_post(title="An open call", body=BODY, tags=["ai"], author=author)
    discussed = make_post(title="A discussed call", body=BODY, tags=["markets"], verdict=Verdict.WRONG)
    approved = make_counterpoint(
        discussed,
        author_name="Rosa Reader",
        author_website="https://rosa.example/",
        quote="A claim, stated firmly",
        body="Not so: [a source](https://example.org/).",
        author_reply="Fair point.",
        response=Counterpoint.AuthorResponse.PARTLY_CONCEDED,
    )
    series = Series.objects.create(title="A series", slug="a-series", description="In *two* parts.")
    SeriesPart.objects.create(series=series, post=unjudged, position=1)
    SeriesPart.objects.create(series=series, post=judged, position=2)
    pending = make_counterpoint(discussed, status=Counterpoint.Status.PENDING, author_name="Pat Pending")
    pages = {
        "home": "/",
        "post with a verdict": judged.get_absolute_url(),
        "post without a verdict": unjudged.get_absolute_url(),
        "post with an approved counterpoint": discussed.get_absolute_url(),
        "tag": "/tags/ai/",
        "tags": "/tags/",
        "search": "/search/?q=claim",
        "search with nothing typed": "/search/",
        "hindsight": "/hindsight/",
        "hindsight, one verdict": "/hindsight/nailed_it/",
        "hindsight by tag": "/hindsight/tags/",
        "counterpoint status": pending.get_status_url(),
        "archive": "/archive/",
        "year archive": f"/archive/{judged.published_at:%Y}/",
        "month archive": f"/archive/{judged.published_at:%Y/%m}/",
        "author": f"/authors/{author.pk}/",
        "about": "/about/",
        "series": "/series/",
        "one series": "/series/a-series/",
        "counterpoint": f"/posts/{discussed.slug}/counterpoints/{approved.pk}/",
        "not found": "/no/such/page/",
    }
    return pages

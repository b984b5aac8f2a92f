"""
The public readers' record on /hindsight/ (issue 16): readers who asked for it
and said yes through their confirmation link, by name, scored against the
author on the same claims.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Forecast, Outcome
from counterpoints.models import ConfirmedAddress, Counterpoint
from counterpoints.readers_record import public_readers_record
from tests.claims.factories import body_with_claims, claim_block, judge
from tests.support.factories import make_counterpoint, make_post
from tests.support.html import parse, text

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status


def listed_reader(email, name, *, confirmed=True, said_yes=True):
    """An address whose owner confirmed it and said yes to ``name`` (as trust.join_record records it)."""
    if confirmed:
        ConfirmedAddress.objects.create(
            email=email,
            in_record_since=timezone.now() if said_yes else None,
            record_name=name if said_yes else "",
        )


def forecast(post, claim, probability, *, email, name="", status=Status.APPROVED, hours_ago=1):
    """A counterpoint from ``email`` giving ``claim`` ``probability``; asking to join if ``name``."""
    counterpoint = make_counterpoint(
        post,
        status=status,
        author_email=email,
        joins_record=bool(name),
        record_name=name,
        submitted_at=timezone.now() - timedelta(hours=hours_ago),
    )
    return Forecast.objects.create(counterpoint=counterpoint, claim=claim, probability=probability)


@pytest.fixture
def judged():
    """Three judged claims (70% true, 60% false, 80% partly true) and one still unjudged."""
    post = make_post(
        body=body_with_claims(
            claim_block("One.", 70),
            claim_block("Two.", 60),
            claim_block("Three.", 80),
            claim_block("Four.", 50),
        )
    )
    one, two, three, four = post.claims.order_by("order")
    judge(one, Outcome.TRUE)
    judge(two, Outcome.FALSE)
    judge(three, Outcome.PARTLY)
    return post, (one, two, three, four)


def record_rows(client, url="/hindsight/"):
    page = parse(client.get(url))
    return [
        [text(cell) for cell in row.select("th, td")] for row in page.select(".readers-record-table tbody tr")
    ]


def test_a_listed_reader_is_scored_against_the_author_on_the_same_claims(client, judged):
    post, (one, two, three, four) = judged
    listed_reader("ada@example.com", "Ada L.")
    forecast(post, one, 90, email="Ada@Example.com", name="Ada L.")
    forecast(post, two, 30, email="ada@example.com")  # not asking on this one: still hers, still counted
    forecast(post, three, 20, email="ada@example.com")
    # Not counted: an earlier probability on a claim she answered again, a pending
    # counterpoint's, and one on a claim not judged yet.
    forecast(post, one, 10, email="ada@example.com", hours_ago=5)
    forecast(post, two, 99, email="ada@example.com", status=Status.PENDING, hours_ago=0)
    forecast(post, four, 40, email="ada@example.com")

    # Ada: (0.9-1)² = 0.01, (0.3-0)² = 0.09, (0.2-0.5)² = 0.09 → 0.19 / 3 = 0.0633.
    # The author on the same claims: (0.7-1)² = 0.09, (0.6-0)² = 0.36, (0.8-0.5)² = 0.09 → 0.54 / 3 = 0.18.
    # Ada is closer on the first two; the third is a tie, which is not a win.
    assert record_rows(client) == [["Ada L.", "3", "0.063", "0.180", "2 of 3 claims"]]
    (score,) = public_readers_record()
    assert (score.claims, score.beat_author) == (3, 2)
    assert score.brier == pytest.approx(0.19 / 3)
    assert score.author_brier == pytest.approx(0.18)


def test_readers_are_listed_best_score_first(client, judged):
    post, (one, two, _, _) = judged
    listed_reader("bo@example.com", "Bo")
    forecast(post, one, 40, email="bo@example.com", name="Bo")  # (0.4-1)² = 0.36
    listed_reader("cy@example.com", "Cy")
    forecast(post, two, 20, email="cy@example.com", name="Cy")  # (0.2-0)² = 0.04
    assert [row[:5] for row in record_rows(client)] == [
        ["Cy", "1", "0.040", "0.360", "1 of 1 claim"],
        ["Bo", "1", "0.360", "0.090", "0 of 1 claim"],
    ]


@pytest.mark.parametrize(
    ("reader", "ask"),
    [
        pytest.param({"confirmed": False}, {}, id="address-not-confirmed"),
        pytest.param({"said_yes": False}, {}, id="confirmed-but-never-said-yes"),
        pytest.param({}, {"name": ""}, id="no-counterpoint-asked"),
        pytest.param({}, {"status": Status.PENDING}, id="the-ask-is-not-approved"),
        pytest.param({}, {"name": "Someone Else"}, id="asked-under-a-name-the-owner-did-not-say-yes-to"),
    ],
)
def test_nobody_is_listed_without_an_approved_ask_and_the_owners_yes(client, judged, reader, ask):
    post, (one, two, _, _) = judged
    listed_reader("ada@example.com", "Ada L.", **reader)
    forecast(post, one, 90, email="ada@example.com", **{"name": "Ada L.", **ask})
    forecast(post, two, 30, email="ada@example.com")

    assert record_rows(client) == []
    page = parse(client.get("/hindsight/"))
    assert "No reader is listed yet." in text(page, ".readers-record")
    assert "Ada" not in text(page, "main")


def test_a_name_is_shown_as_text(client, judged):
    post, (one, _, _, _) = judged
    name = '<img src=x onerror="alert(1)">'
    listed_reader("eve@example.com", name)
    forecast(post, one, 90, email="eve@example.com", name=name)
    response = client.get("/hindsight/")
    assert record_rows(client)[0][0] == name
    assert "<img src=x" not in response.content.decode()
    assert "&lt;img src=x onerror=" in response.content.decode()


def test_the_record_follows_the_tag_and_year_filters(client, judged):
    post, (one, _, _, _) = judged
    listed_reader("ada@example.com", "Ada L.")
    forecast(post, one, 90, email="ada@example.com", name="Ada L.")
    year = post.published_at.year
    assert [row[0] for row in record_rows(client, f"/hindsight/?year={year}")] == ["Ada L."]
    assert len(public_readers_record(year=year - 1)) == 0


def queries_for(client, url):
    client.get("/robots.txt")  # the page generation is read once a second: read it first
    # The first reader after a change rebuilds the track record's tallies (blog/scorecard.py).
    client.get("/hindsight/?year=1999")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_hindsight_costs_the_same_with_1_or_20_listed_readers(client, judged):
    post, claims = judged
    listed_reader("reader0@example.com", "Reader 0")
    forecast(post, claims[0], 50, email="reader0@example.com", name="Reader 0")
    one = queries_for(client, "/hindsight/?year=2020")  # a URL of its own: not served from the page cache
    assert len(record_rows(client)) == 1
    for n in range(1, 20):
        listed_reader(f"reader{n}@example.com", f"Reader {n}")
        for claim in claims:
            forecast(post, claim, 5 + n * 4, email=f"reader{n}@example.com", name=f"Reader {n}")
    twenty = queries_for(client, "/hindsight/?year=2021")
    assert twenty == one
    assert len(record_rows(client, "/hindsight/?tag=")) == 20


def test_joining_and_leaving_show_on_the_cached_page_at_once(judged, django_capture_on_commit_callbacks):
    from django.test import Client

    from counterpoints import trust

    post, (one, _, _, _) = judged
    ConfirmedAddress.objects.create(email="ada@example.com")
    forecast(post, one, 90, email="ada@example.com", name="Ada L.")
    assert record_rows(Client()) == []  # an anonymous reader: the page is cached now

    with django_capture_on_commit_callbacks(execute=True):
        trust.join_record("ada@example.com")
    assert [row[0] for row in record_rows(Client())] == ["Ada L."]

    with django_capture_on_commit_callbacks(execute=True):
        trust.leave_record("ada@example.com")
    assert record_rows(Client()) == []

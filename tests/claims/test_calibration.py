"""Scores against hand-computed values, and the calibration record on /hindsight/."""

import pytest

from claims.calibration import calibration_record, score
from claims.models import Claim, Outcome
from tests.support.factories import make_post
from tests.support.queries import query_count

from .factories import body_with_claims, claim_block, judge


def test_no_resolved_claims_scores_nothing():
    record = score([])
    assert (record.count, record.brier, record.baseline, record.filled_buckets) == (0, None, None, [])


def test_a_single_true_claim_at_70_percent():
    record = score([(70, Outcome.TRUE, 1)])
    assert record.count == 1
    assert record.brier == pytest.approx(0.09)  # (0.7 - 1)²
    assert record.baseline == pytest.approx(0.25)  # (0.5 - 1)²
    [bucket] = record.filled_buckets
    assert (bucket.label, bucket.count, bucket.stated, bucket.observed) == ("70–79%", 1, 0.7, 1.0)
    assert not record.enough


def test_mixed_claims_against_hand_computed_brier_and_buckets():
    # 90% true, 90% false, 60% partly, 55% false, 30% false; open and void claims are not scored.
    pairs = [
        (90, Outcome.TRUE, 1),
        (90, Outcome.FALSE, 1),
        (60, Outcome.PARTLY, 1),
        (55, Outcome.FALSE, 1),
        (30, Outcome.FALSE, 1),
        (80, Outcome.OPEN, 4),
        (80, Outcome.VOID, 2),
    ]
    record = score(pairs)
    # (0.01 + 0.81 + 0.01 + 0.3025 + 0.09) / 5 = 1.2225 / 5
    assert record.brier == pytest.approx(0.2445)
    # (0.25 + 0.25 + 0 + 0.25 + 0.25) / 5
    assert record.baseline == pytest.approx(0.2)
    assert record.beats_baseline is False
    assert [(b.label, b.count, round(b.stated, 3), b.observed) for b in record.filled_buckets] == [
        ("30–39%", 1, 0.3, 0.0),
        ("50–59%", 1, 0.55, 0.0),
        ("60–69%", 1, 0.6, 0.5),
        ("90–99%", 2, 0.9, 0.5),
    ]
    assert record.outcomes == {"true": 1, "false": 3, "partly": 1}


def test_the_lowest_bucket_starts_at_one_percent():
    assert score([(1, Outcome.FALSE, 3)]).filled_buckets[0].label == "1–9%"


def make_claims(post_count, claims_per_post, *, verdicts=(Outcome.TRUE, Outcome.FALSE), tags=("ai",)):
    posts = []
    for n in range(post_count):
        blocks = [
            claim_block(f"Claim {n}-{k} about the future.", 50 + (k * 7) % 50) for k in range(claims_per_post)
        ]
        post = make_post(body=body_with_claims(*blocks), tags=tags)
        for i, claim in enumerate(post.claims.order_by("order")):
            judge(claim, verdicts[i % len(verdicts)])
        posts.append(post)
    return posts


@pytest.mark.django_db
def test_drafts_claims_are_not_in_the_record():
    make_claims(1, 2)
    draft = make_post(status="draft", body=claim_block("Secret.", 90))
    judge(draft.claims.get(), Outcome.TRUE)
    assert calibration_record()[0].count == 2


@pytest.mark.django_db
def test_the_record_filters_by_tag_and_year():
    make_claims(1, 2, tags=("ai",))
    make_claims(1, 3, tags=("chips",))
    assert calibration_record()[0].count == 5
    post_year = Claim.objects.first().post.published_at.year
    assert calibration_record(year=post_year)[0].count == 5
    assert calibration_record(year=post_year - 1)[0].count == 0
    assert calibration_record()[1] == [post_year]
    from taggit.models import Tag

    assert calibration_record(tag=Tag.objects.get(slug="chips"))[0].count == 3


@pytest.mark.django_db
def test_hindsight_shows_the_empty_state_honestly(client):
    make_post()
    page = client.get("/hindsight/").content.decode()
    assert "No claim has a scored verdict yet" in page
    assert "<svg" not in page


@pytest.mark.django_db
def test_hindsight_shows_chart_table_brier_and_too_few(client):
    post = make_post(body=body_with_claims(claim_block("One.", 70), claim_block("Two.", 90)))
    one, two = post.claims.order_by("order")
    judge(one, Outcome.TRUE)
    judge(two, Outcome.FALSE)
    page = client.get("/hindsight/").content.decode()
    # ((0.7-1)² + (0.9-0)²) / 2 = 0.45; the coin scores 0.25.
    assert "Brier score 0.450</strong> over 2 resolved claims" in page
    assert "always saying 50% would score 0.250" in page
    assert "do no better than a coin" in page
    assert "2 resolved claims: too few to judge calibration." in page
    assert '<title id="calibration-chart-title">Calibration chart</title>' in page
    assert "70–79%: stated 70%, held 100% of 1." in page
    assert '<tr><th scope="row">90–99%</th><td>1</td><td>90%</td><td>0%</td></tr>' in page
    assert page.count('class="bucket-point"') == 2


@pytest.mark.django_db
def test_hindsight_costs_the_same_with_4_or_120_claims(client):
    # Each request a URL of its own: not served from the page cache. The
    # first reader after a change rebuilds the tallies (blog/tallies.py).
    make_claims(2, 2)
    client.get("/hindsight/?year=2019")  # the first reader after a change rebuilds the tallies
    few = query_count(client, "/hindsight/?year=2020")  # a URL of its own: not served from the page cache
    make_claims(20, 5)
    client.get("/hindsight/?year=2022")
    many = query_count(client, "/hindsight/?year=2021")
    assert many == few


@pytest.mark.django_db
def test_a_new_claim_verdict_is_in_the_next_calibration_record(client):
    post = make_claims(1, 2)[0]
    assert calibration_record()[0].count == 2

    judge(post.claims.order_by("order").first(), Outcome.FALSE)

    assert calibration_record()[0].outcomes == {Outcome.FALSE: 2}


@pytest.mark.django_db
def test_post_page_costs_the_same_with_1_or_40_claims(client):
    few_post = make_claims(1, 1)[0]
    many_post = make_claims(1, 40)[0]
    assert query_count(client, many_post.get_absolute_url()) == query_count(
        client, few_post.get_absolute_url()
    )
    page = client.get(many_post.get_absolute_url()).content.decode()
    assert page.count('class="claim-item') == 40


@pytest.mark.django_db
def test_readers_probabilities_are_scored_against_the_authors_on_the_same_claims(client):
    from claims.models import Forecast
    from counterpoints.models import Counterpoint
    from tests.support.factories import make_counterpoint

    post = make_post(
        body=body_with_claims(claim_block("One.", 70), claim_block("Two.", 40), claim_block("Three.", 80))
    )
    one, two, three = post.claims.order_by("order")
    judge(one, Outcome.TRUE)
    judge(two, Outcome.FALSE)
    Forecast.objects.create(counterpoint=make_counterpoint(post), claim=one, probability=90)
    Forecast.objects.create(counterpoint=make_counterpoint(post), claim=two, probability=60)
    # Not counted: a pending counterpoint, no probability, an unjudged claim.
    pending = make_counterpoint(post, status=Counterpoint.Status.PENDING)
    Forecast.objects.create(counterpoint=pending, claim=one, probability=10)
    Forecast.objects.create(counterpoint=make_counterpoint(post), claim=one, probability=None)
    Forecast.objects.create(counterpoint=make_counterpoint(post), claim=three, probability=20)
    page = client.get("/hindsight/").content.decode()
    # Readers: ((0.9-1)² + (0.6-0)²) / 2 = 0.185; the author on the same: ((0.7-1)² + (0.4-0)²) / 2 = 0.125.
    assert "Readers stated their own probability 2 times on these claims" in page
    assert "their Brier score 0.185 against the author’s 0.125 on the same claims" in page
    assert "readers beat the author on 1 of 2." in page


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["abc", "99999", "0", "-1", "2024.5"])
def test_a_nonsense_year_is_the_whole_record_not_an_error(client, year):
    make_claims(1, 2)
    response = client.get(f"/hindsight/?year={year}")
    assert response.status_code == 200
    assert "over 2 resolved claims" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["1", "9999"])
def test_a_year_without_claims_says_so(client, year):
    make_claims(1, 2)
    response = client.get(f"/hindsight/?year={year}")
    assert response.status_code == 200
    assert "No claim has a scored verdict yet here" in response.content.decode()

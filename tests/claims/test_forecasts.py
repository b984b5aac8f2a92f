"""A reader's counterpoint may answer one claim and give their own probability for it."""

import pytest

from claims.models import Forecast
from counterpoints.models import Counterpoint, OutboxMail
from tests.support.factories import make_counterpoint, make_post
from tests.support.submissions import form_data, submit_url

from .factories import body_with_claims, claim_block

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return make_post(
        body=body_with_claims(
            claim_block("Prices halve.", 70, key="prices"), claim_block("Rivals copy it.", 55)
        )
    )


def test_the_form_offers_the_posts_claims(client, post):
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<option value="prices">' in page
    assert 'name="probability"' in page


def test_a_post_without_claims_shows_no_claim_fields(client):
    page = client.get(make_post().get_absolute_url()).content.decode()
    assert 'name="claim"' not in page and 'name="probability"' not in page


def test_the_reader_answers_a_claim_with_their_probability(client, post):
    response = client.post(submit_url(post), form_data(post, claim="prices", probability="35"))
    assert response.status_code == 302
    forecast = Forecast.objects.get()
    assert (forecast.claim.key, forecast.probability, forecast.counterpoint.post) == ("prices", 35, post)
    assert forecast.counterpoint.status == Counterpoint.Status.PENDING


def test_a_counterpoint_and_its_forecast_are_stored_together_or_not_at_all(
    client, post, monkeypatch, mailoutbox
):
    def fail(forecast, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Forecast, "save", fail)

    with pytest.raises(RuntimeError):
        client.post(submit_url(post), form_data(post, claim="prices", probability="35"))

    # Not a counterpoint without the forecast its reader gave, nor a moderator mail about it.
    assert not Counterpoint.objects.exists()
    assert not OutboxMail.objects.exists()


def test_a_probability_without_a_claim_or_out_of_range_is_refused_keeping_the_text(client, post):
    response = client.post(submit_url(post), form_data(post, body="Keep my words.", probability="35"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose the claim your probability is for." in page
    assert "Keep my words." in page
    response = client.post(submit_url(post), form_data(post, claim="prices", probability="100"))
    assert response.status_code == 400
    assert 'value="100"' in response.content.decode()
    assert not Counterpoint.objects.exists() and not Forecast.objects.exists()


def test_a_claim_of_another_post_is_not_accepted(client, post):
    other = make_post(body=claim_block("Elsewhere.", key="elsewhere"))
    response = client.post(submit_url(post), form_data(post, claim="elsewhere"))
    assert response.status_code == 400
    assert not Forecast.objects.exists()
    assert other.claims.exists()


def test_an_approved_counterpoint_shows_the_claim_and_probability(client, post):
    counterpoint = make_counterpoint(post)
    Forecast.objects.create(counterpoint=counterpoint, claim=post.claims.get(key="prices"), probability=20)
    page = client.get(post.get_absolute_url()).content.decode()
    assert (
        'On the claim <a href="#claim-prices">“Prices halve.”</a>: gives it 20% (the author said 70%).'
        in page
    )


def test_each_judged_claim_gets_its_own_claim_review(client, post):
    import json
    import re

    from .factories import judge

    judge(post.claims.get(key="prices"), "false")
    page = client.get(post.get_absolute_url()).content.decode()
    blocks = [
        json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    ]
    [review] = [b for b in blocks if b.get("claimReviewed") == "Prices halve."]
    assert review["url"].endswith(post.get_absolute_url() + "#claim-prices")
    assert review["reviewRating"]["alternateName"] == "false"
    assert review["reviewRating"]["ratingValue"] == 1
    assert not [b for b in blocks if b.get("claimReviewed") == "Rivals copy it."]  # not judged yet


def test_judged_claims_join_the_verdict_feed_newest_first(client, post):
    from datetime import timedelta

    import feedparser
    from django.utils import timezone

    from blog.models import Verdict
    from tests.support.factories import make_hindsight

    from .factories import judge

    make_hindsight(post, verdict=Verdict.WRONG, decided_at=timezone.now() - timedelta(days=2))
    judge(
        post.claims.get(key="prices"),
        "false",
        note="They went up.",
        decided_at=timezone.now() - timedelta(days=1),
    )
    judge(post.claims.get(key="rivals-copy-it"), "open")  # not a resolution: left out
    draft = make_post(status="draft", body=claim_block("Secret.", key="secret"))
    judge(draft.claims.get(), "true")
    feed = feedparser.parse(client.get("/hindsight/feed/").content)
    assert [entry.title for entry in feed.entries] == [
        "Claim false: Prices halve.",
        f"wrong: {post.title}",
    ]
    assert feed.entries[0].link.endswith(post.get_absolute_url() + "#claim-prices")
    assert "stated at 70% confidence" in feed.entries[0].description

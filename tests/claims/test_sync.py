"""Claims follow the post's text on save, keeping their identity (and verdicts) across edits."""

import pytest

from claims.models import Claim, ClaimVerdict, ClaimVerdictHistoryError, Outcome
from tests.support.factories import make_post

from .factories import body_with_claims, claim_block, judge

pytestmark = pytest.mark.django_db


def edit(post, *blocks):
    post.body = body_with_claims(*blocks)
    post.save()
    return list(post.claims.order_by("withdrawn", "order"))


def test_saving_a_post_stores_its_claims_in_order():
    post = make_post(
        body=body_with_claims(
            claim_block("Prices halve.", 70, by="2027-06-30", key="prices"),
            claim_block("Rivals copy it.", 55),
        )
    )
    claims = list(post.claims.order_by("order"))
    assert [(c.key, c.confidence, str(c.check_back_by), c.text) for c in claims] == [
        ("prices", 70, "2027-06-30", "Prices halve."),
        ("rivals-copy-it", 55, "None", "Rivals copy it."),
    ]


def test_an_explicit_id_keeps_the_claim_and_its_verdict_through_a_rewrite():
    post = make_post(body=body_with_claims(claim_block("Prices halve.", key="prices")))
    claim = post.claims.get()
    judge(claim, Outcome.TRUE)
    [after] = edit(post, claim_block("Rental prices for GPUs fall by half or more.", 80, key="prices"))
    assert after.pk == claim.pk
    assert (after.text, after.confidence, after.current_verdict) == (
        "Rental prices for GPUs fall by half or more.",
        80,
        "true",
    )


def test_polishing_the_wording_keeps_a_claim_without_an_id():
    post = make_post(body=body_with_claims(claim_block("GPU rental prices will halve by next summer.")))
    claim = post.claims.get()
    [after] = edit(post, claim_block("GPU rental prices will halve by the summer."))
    assert after.pk == claim.pk and after.key == claim.key
    assert after.text == "GPU rental prices will halve by the summer."


def test_a_new_sentence_is_a_new_claim():
    post = make_post(body=body_with_claims(claim_block("GPU rental prices will halve.")))
    old = post.claims.get()
    [after] = edit(post, claim_block("Nobody will remember the name of the model."))
    assert after.pk != old.pk
    assert not Claim.objects.filter(pk=old.pk).exists()  # unjudged: simply gone


def test_a_judged_claim_removed_from_the_text_is_kept_as_withdrawn():
    post = make_post(
        body=body_with_claims(claim_block("Prices halve.", key="prices"), claim_block("Rivals copy it."))
    )
    judged = post.claims.get(key="prices")
    judge(judged, Outcome.FALSE)
    claims = edit(post, claim_block("Rivals copy it."))
    assert [(c.key, c.withdrawn, c.current_verdict) for c in claims] == [
        ("rivals-copy-it", False, ""),
        ("prices", True, "false"),
    ]
    # Putting it back brings it back, verdict and all.
    claims = edit(post, claim_block("Prices halve.", key="prices"))
    assert [(c.key, c.withdrawn) for c in claims] == [("prices", False)]


def test_the_page_shows_a_withdrawn_claim_in_the_summary_only(client):
    post = make_post(body=body_with_claims(claim_block("Prices halve.", key="prices")))
    judge(post.claims.get(), Outcome.TRUE)
    edit(post, claim_block("Something else entirely, about chips.", key="chips"))
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'id="claim-prices"' in page and "withdrawn from the text after it was judged" in page
    assert 'class="claim claim-open" id="claim-chips"' in page


def test_verdicts_are_append_only_and_the_newest_counts(client):
    post = make_post(body=body_with_claims(claim_block("Prices halve.", key="prices")))
    claim = post.claims.get()
    first = judge(claim, Outcome.OPEN)
    judge(claim, Outcome.PARTLY)
    claim.refresh_from_db()
    assert claim.current_verdict == "partly"
    with pytest.raises(ClaimVerdictHistoryError):
        first.save()
    with pytest.raises(ClaimVerdictHistoryError):
        ClaimVerdict.objects.filter(claim=claim).update(verdict="true")
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<div class="claim claim-partly" id="claim-prices">' in page
    assert "verdict: partly true" in page


def test_deleting_the_newest_verdict_hands_the_claim_back_to_the_one_before(client):
    post = make_post(body=body_with_claims(claim_block("Prices halve.", key="prices")))
    claim = post.claims.get()
    judge(claim, Outcome.TRUE)
    wrong_one = judge(claim, Outcome.FALSE)
    wrong_one.delete()
    claim.refresh_from_db()
    assert claim.current_verdict == "true"
    assert (
        '<div class="claim claim-true" id="claim-prices">'
        in client.get(post.get_absolute_url()).content.decode()
    )


def test_deleting_a_post_takes_its_claims_and_verdicts_with_it():
    post = make_post(body=body_with_claims(claim_block("Prices halve.", key="prices")))
    judge(post.claims.get(), Outcome.TRUE)
    post.delete()
    assert not Claim.objects.exists() and not ClaimVerdict.objects.exists()

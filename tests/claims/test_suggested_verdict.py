"""The post verdict its claims suggest, shown beside the verdict field in the post's admin (issue 16)."""

import pytest
from django.urls import reverse

from blog.models import Verdict
from claims.models import Outcome
from claims.services import suggest_verdict
from tests.support.factories import make_post
from tests.support.html import parse

from .factories import body_with_claims, claim_block, judge

T, F, P, OPEN, V, NOT_YET = Outcome.TRUE, Outcome.FALSE, Outcome.PARTLY, Outcome.OPEN, Outcome.VOID, ""


@pytest.mark.parametrize(
    ("claims", "suggested"),
    [
        pytest.param([T, T], Verdict.NAILED_IT, id="all-true"),
        pytest.param([F], Verdict.WRONG, id="all-false"),
        pytest.param([T, F], Verdict.PARTLY_RIGHT, id="mixed"),
        pytest.param([P], Verdict.PARTLY_RIGHT, id="partly-true"),
        pytest.param([T, T, P], Verdict.PARTLY_RIGHT, id="true-and-partly"),
        pytest.param([T, V], Verdict.NAILED_IT, id="void-left-out"),
        pytest.param([T, OPEN], Verdict.STILL_OPEN, id="one-still-open"),
        pytest.param([F, NOT_YET], Verdict.STILL_OPEN, id="one-not-judged-yet"),
        pytest.param([V, V], None, id="only-void"),
        pytest.param([NOT_YET, NOT_YET], None, id="nothing-judged"),
        pytest.param([], None, id="no-claims"),
    ],
)
def test_the_rule(claims, suggested):
    suggestion = suggest_verdict(claims)
    assert (suggestion.verdict if suggestion else None) == suggested


def test_the_suggestion_says_what_it_comes_from():
    suggestion = suggest_verdict([T, T, F, NOT_YET])
    assert (suggestion.label, suggestion.tally) == ("still open", "2 true, 1 false, 1 not judged yet")


def verdict_field(admin_client, post):
    page = parse(admin_client.get(reverse("admin:blog_post_change", args=[post.pk])))
    select = page.select_one('select[name="hindsights-__prefix__-verdict"]')
    help_text = select.find_parent(class_="form-row").select_one(".help")
    return select, help_text


@pytest.mark.django_db
def test_the_admin_shows_the_suggestion_beside_the_verdict_field_and_chooses_nothing(admin_client):
    post = make_post(body=body_with_claims(claim_block("One.", 70), claim_block("Two.", 60)))
    one, two = post.claims.order_by("order")
    judge(one, Outcome.TRUE)
    judge(two, Outcome.FALSE)

    select, help_text = verdict_field(admin_client, post)
    assert " ".join(help_text.get_text().split()) == (
        "Its claims suggest: partly right (1 true, 1 false). The verdict is yours to choose."
    )
    assert select.select_one("option[selected]")["value"] == ""  # manual: nothing chosen for the author


@pytest.mark.django_db
def test_withdrawn_claims_do_not_count_and_a_post_without_judged_claims_gets_no_suggestion(admin_client):
    post = make_post(body=body_with_claims(claim_block("Kept.", 70), claim_block("Dropped.", 60)))
    kept, dropped = post.claims.order_by("order")
    judge(dropped, Outcome.FALSE)
    judge(kept, Outcome.TRUE)
    post.body = body_with_claims(claim_block("Kept.", 70))
    post.save()
    assert post.claims.get(pk=dropped.pk).withdrawn
    _, help_text = verdict_field(admin_client, post)
    assert "Its claims suggest: nailed it (1 true)." in help_text.get_text()

    _, help_text = verdict_field(admin_client, make_post())
    assert help_text is None or "suggest" not in help_text.get_text()

"""The claim syntax: what the page and the editor's preview show, and the author's errors."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from blog.models import count_words
from claims.markup import parse_claims
from core.markup import post_parser, render_counterpoint_markdown, render_post_markdown
from tests.support.factories import make_post
from tests.support.timing import cpu_time

from .factories import body_with_claims, claim_block


def test_a_claim_renders_with_its_confidence_date_and_anchor():
    html = render_post_markdown(claim_block("GPU prices *halve*.", 70, by="2027-06-30", key="gpu-prices"))
    assert '<div class="claim claim-open" id="claim-gpu-prices">' in html
    assert "70% confident" in html
    assert "check back by 2027-06-30" in html
    assert '<a class="claim-anchor" href="#claim-gpu-prices">Claim</a>' in html
    assert "<p>GPU prices <em>halve</em>.</p>" in html


def test_parsing_gives_confidence_date_id_and_plain_text():
    claims, errors = parse_claims(
        post_parser(), "Intro.\n\n" + claim_block("GPU prices *halve*.", 65, by="2027-06-30")
    )
    assert errors == []
    [claim] = claims
    assert (claim.line, claim.confidence, claim.check_back_by, claim.key, claim.text) == (
        3,
        65,
        datetime.date(2027, 6, 30),
        "",
        "GPU prices halve.",
    )


def test_claims_inside_lists_and_quotes_are_found_and_rendered():
    body = (
        "- first\n\n  ::: claim 40%\n  In a list.\n  :::\n\n> ::: claim 80% {#quoted}\n> In a quote.\n> :::\n"
    )
    claims, errors = parse_claims(post_parser(), body)
    assert errors == []
    assert [(c.confidence, c.text) for c in claims] == [(40, "In a list."), (80, "In a quote.")]
    html = render_post_markdown(body)
    assert html.count('class="claim claim-open"') == 2
    assert '<blockquote>\n<div class="claim claim-open" id="claim-quoted">' in html


@pytest.mark.parametrize(
    ("head", "problem"),
    [
        ("::: claim seventy percent", "is not a claim head"),
        ("::: claim 0%", "from 1% to 99%, not 0%"),
        ("::: claim 100%", "from 1% to 99%, not 100%"),
        ("::: claim 70% by 2027-02-30", "“2027-02-30” is not a date"),
        ("::: claim 70% by tomorrow", "“tomorrow” is not a date"),
        ("::: claim 70% {#Not An Id}", "is not a claim head"),
        ("::: claim 70% {#UPPER}", "the id “UPPER” must be lower-case"),
    ],
)
def test_a_malformed_head_is_an_error_naming_the_line(head, problem):
    claims, errors = parse_claims(post_parser(), f"Intro.\n\nMore.\n\n{head}\nText.\n:::\n")
    assert claims == []
    [error] = errors
    assert error.line == 5
    assert problem in str(error)
    assert str(error).startswith("Line 5:")


def test_a_claim_inside_a_claim_is_an_error():
    _claims, errors = parse_claims(post_parser(), "::: claim 50%\nOuter.\n::: claim 60%\nInner.\n:::\n:::\n")
    assert [(e.line, "cannot contain another claim" in e.problem) for e in errors] == [(3, True)]


def test_the_same_id_twice_and_an_empty_claim_are_errors():
    body = claim_block("One.", key="same") + "\n" + claim_block("Two.", key="same") + "\n::: claim 50%\n:::\n"
    _claims, errors = parse_claims(post_parser(), body)
    assert ["used by two claims" in e.problem for e in errors] == [True, False]
    assert "no text" in errors[1].problem


def test_a_malformed_claim_still_renders_its_words_without_claiming_anything():
    html = render_post_markdown("::: claim 170%\nStill readable.\n:::\n")
    assert '<div class="claim claim-malformed">' in html
    assert "<p>Still readable.</p>" in html
    assert "confident" not in html


@pytest.mark.django_db
def test_the_admin_refuses_malformed_claims_naming_the_line():
    post = make_post(body="Intro.\n\n::: claim 170%\nToo sure.\n:::\n")
    with pytest.raises(ValidationError) as caught:
        post.full_clean()
    assert caught.value.message_dict["body"] == [
        "Claim syntax: Line 3: the confidence must be from 1% to 99%, not 170%."
    ]


def test_claim_text_is_sanitised_like_the_rest_of_the_post():
    html = render_post_markdown(
        "::: claim 70% {#x}\n"
        "<script>alert(1)</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>\n"
        ":::\n"
    )
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html
    assert "&lt;script&gt;" in html and 'id="claim-x"' in html


def test_a_head_cannot_smuggle_markup_into_the_anchor():
    html = render_post_markdown('::: claim 70% {#a"><script>x</script>}\nText.\n:::\n')
    assert "<script" not in html
    assert 'class="claim claim-malformed"' in html


def test_readers_cannot_write_claims_in_counterpoints():
    html = render_counterpoint_markdown(claim_block("I claim this.", key="fake"))
    assert "claim-" not in html and "<div" not in html
    assert "I claim this." in html


def test_claim_fences_are_not_counted_as_words():
    assert (
        count_words(body_with_claims(claim_block("Four words right here.", by="2027-01-01", key="k")))
        == 4 + 4
    )


def test_many_claims_render_in_linear_time():
    def cost(n):
        text = claim_block("A claim.", 60) * n
        best = float("inf")
        for _ in range(3):
            with cpu_time() as cpu:
                render_post_markdown(text)
                parse_claims(post_parser(), text)
            best = min(best, cpu.seconds)
        return best

    # Four times the claims: about four times the work (quadratic would be sixteen).
    assert cost(2000) < 8 * cost(500)

"""Search finds a post by its claims' words (issue 16), on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.urls import reverse

from claims.markup import ParsedClaim
from claims.seeds import SeedClaim, load_seed_claims
from tests.support.factories import make_post

from .factories import body_with_claims, claim_block

# Real commits: the search index is refreshed once a change commits (core/freshness.py).
pytestmark = pytest.mark.django_db(transaction=True)


def found(client, q):
    response = client.get(reverse("blog:search"), {"q": q})
    assert response.status_code == 200
    return [post.title for post in response.context["page_obj"]]


def test_a_claim_marked_in_the_body_is_found_by_its_words(client):
    make_post(
        title="With claims",
        body=body_with_claims(claim_block("Tungsten prices double.", 70, by="2027-01-31")),
    )
    make_post(title="Without", body="Nothing about metals.")
    assert found(client, "tungsten") == ["With claims"]
    assert found(client, '"tungsten prices double"') == ["With claims"]


def test_the_claim_markup_is_not_searchable_text(client):
    make_post(
        title="Metals", body=body_with_claims(claim_block("Tungsten prices double.", 70, key="tungsten"))
    )
    assert found(client, "claim") == []
    snippet = client.get(reverse("blog:search"), {"q": "tungsten"}).content.decode()
    assert "<mark>Tungsten</mark> prices double" in snippet
    assert ":::" not in snippet and "{#tungsten}" not in snippet
    assert found(client, "70") == []


def test_a_claim_stated_in_the_front_matter_is_found_by_its_words(client):
    post = make_post(title="Seeded", body="A body that never names the metal.")
    make_post(title="Other", body="Unrelated.")
    load_seed_claims(
        post,
        [SeedClaim(ParsedClaim(0, 80, datetime.date(2027, 1, 1), "molybdenum", "Molybdenum output halves."))],
    )
    assert found(client, "molybdenum") == ["Seeded"]


def test_a_claim_taken_out_of_the_text_is_not_found_any_more(client):
    post = make_post(title="Edited", body=body_with_claims(claim_block("Tungsten prices double.", 70)))
    post.body = "The claim about metals is gone."
    post.save()
    assert found(client, "tungsten") == []

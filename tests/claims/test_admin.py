"""Claims in Django's real admin: written in the post, judged on the claim's page."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.support.admin import post_form
from tests.support.factories import make_post
from tests.support.html import one, text

from .factories import body_with_claims, claim_block, judge

pytestmark = pytest.mark.django_db


def test_the_author_writes_claims_in_the_body_and_sees_them_on_the_post_admin(admin_client):
    body = body_with_claims(claim_block("Prices halve.", 70, by="2027-06-30", key="prices"))
    response = admin_client.post(reverse("admin:blog_post_add"), post_form(admin_client, body=body))
    assert response.status_code == 302
    post = Post.objects.get(slug="written-in-the-admin")
    claim = post.claims.get()
    assert (claim.key, claim.confidence) == ("prices", 70)
    page = admin_client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert "Prices halve." in page
    assert reverse("admin:claims_claim_change", args=[claim.pk]) in page


def test_malformed_claim_syntax_is_refused_naming_the_line_and_keeping_the_text(admin_client):
    body = "Intro.\n\n::: claim 70% by 2027-13-01\nPrices halve.\n:::\n"
    response = admin_client.post(reverse("admin:blog_post_add"), post_form(admin_client, body=body))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Claim syntax: Line 3: “2027-13-01” is not a date" in page
    assert "::: claim 70% by 2027-13-01" in page
    assert not Post.objects.exists()


def claim_verdict_form(admin_client, claim, **fields):
    page = admin_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    data = dict(
        re.findall(r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', page)
    )
    now = timezone.now()
    data.update(
        {
            "verdicts-0-verdict": "false",
            "verdicts-0-decided_at_0": now.strftime("%Y-%m-%d"),
            "verdicts-0-decided_at_1": now.strftime("%H:%M:%S"),
            "verdicts-0-note": "They went up.",
            **fields,
        }
    )
    return data


def test_a_verdict_added_on_the_claim_page_shows_on_the_post(admin_client, client):
    post = make_post(body=body_with_claims(claim_block("Prices halve.", 70, key="prices")))
    claim = post.claims.get()
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    response = admin_client.post(url, claim_verdict_form(admin_client, claim))
    assert response.status_code == 302, response.content.decode()[:3000]
    claim.refresh_from_db()
    assert claim.current_verdict == "false"
    page = client.get(post.get_absolute_url())
    assert one(page, "#claim-prices")["class"] == ["claim", "claim-false"]
    assert "verdict: false" in text(page)


def test_a_saved_claim_verdict_is_shown_read_only(admin_client):
    post = make_post(body=body_with_claims(claim_block("Prices halve.", key="prices")))
    claim = post.claims.get()
    judge(claim, "true", note="Halved.")
    page = admin_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "Halved." in page
    assert 'name="verdicts-0-note"' not in page  # the saved one is not an editable field


def test_the_claim_changelist_filters_claims_due_for_a_verdict(admin_client):
    post = make_post(
        body=body_with_claims(
            claim_block("Past due.", by="2020-01-01"), claim_block("Later.", by="2999-01-01")
        )
    )
    page = admin_client.get(reverse("admin:claims_claim_changelist") + "?due=yes").content.decode()
    assert "Past due." in page and "Later." not in page
    assert post.claims.count() == 2


def test_the_admin_index_counts_claims_due_for_a_verdict(admin_client):
    post = make_post(
        body=body_with_claims(
            claim_block("Past due.", by="2020-01-01"), claim_block("Also due.", by="2021-01-01")
        )
    )
    judge(post.claims.get(text="Also due."), "true")
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "1 claim due for a verdict" in page


def test_editing_claims_out_of_the_body_in_the_admin(admin_client):
    post = make_post(
        body=body_with_claims(
            claim_block("Judged one.", key="judged"), claim_block("Unjudged one.", key="open")
        )
    )
    judge(post.claims.get(key="judged"), "true")
    url = reverse("admin:blog_post_change", args=[post.pk])
    page = admin_client.get(url).content.decode()
    data = dict(
        re.findall(r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', page)
    )
    data.update(
        {
            f"claims-{n}-id": str(pk)
            for n, pk in enumerate(post.claims.order_by("order").values_list("pk", flat=True))
        }
    )
    data.update({f"claims-{n}-post": str(post.pk) for n in range(2)})
    form = post_form(admin_client, body=body_with_claims(claim_block("A new one.", key="new")))
    form.update(data)
    form.update({"title": post.title, "slug": post.slug, "hindsights-TOTAL_FORMS": "0"})
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(post.claims.values_list("key", "withdrawn")) == [("judged", True), ("new", False)]

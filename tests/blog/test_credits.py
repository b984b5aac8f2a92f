"""A verdict credits the readers who called it, linking to their counterpoints."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Hindsight, Verdict
from counterpoints.models import Counterpoint
from counterpoints.services import moderate_counterpoint
from tests.support.admin import post_change_url
from tests.support.factories import make_counterpoint, make_hindsight, make_post, make_user
from tests.support.forms import form_values
from tests.support.html import one, parse, text, texts
from tests.support.queries import get_counting_queries

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status


def page(client, post):
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def credit_line(html):
    """The credit under the current verdict (earlier verdicts' credits are in its history)."""
    return one(html, "aside#verdict > .hindsight-credit")


def credit(post, *counterpoints, **overrides):
    verdict = make_hindsight(post, verdict=Verdict.NAILED_IT, **overrides)
    verdict.credited.add(*counterpoints)
    return verdict


def test_verdict_credits_a_reader_with_a_link_to_their_counterpoint(client):
    post = make_post()
    ada = make_counterpoint(post, author_name="Ada")

    credit(post, ada)
    html = page(client, post)

    line = credit_line(html)
    assert text(line) == "Credit: Ada saw this coming."
    assert [a["href"] for a in line.select("a")] == [f"#counterpoint-{ada.pk}"]
    # The link lands on the counterpoint itself.
    assert one(html, f"section#counterpoints article#counterpoint-{ada.pk}")


def test_credited_counterpoint_is_marked_and_links_back_to_the_verdict(client):
    post = make_post()
    ada = make_counterpoint(post, author_name="Ada")
    bo = make_counterpoint(post, author_name="Bo")

    credit(post, ada)
    html = page(client, post)

    mark = one(html, f"#counterpoint-{ada.pk} a.credit-mark")
    assert (text(mark), mark["href"]) == ("credited in the verdict", "#verdict")
    assert "credited in the verdict" not in text(html, f"#counterpoint-{bo.pk}")
    assert "hindsight-banner" in one(html, "#verdict")["class"]


def test_several_credits_read_as_a_sentence(client):
    post = make_post()
    now = timezone.now()
    readers = [
        make_counterpoint(post, author_name=name, submitted_at=now - timedelta(days=3 - n))
        for n, name in enumerate(["Ada", "Bo", "Cy"])
    ]

    credit(post, *readers)
    assert text(credit_line(page(client, post))) == "Credit: Ada, Bo and Cy saw this coming."


def test_no_credit_line_without_credits(client):
    post = make_post()
    make_counterpoint(post)
    make_hindsight(post)

    html = page(client, post)

    assert "Credit:" not in html
    assert "credited in the verdict" not in html


def test_a_credit_disappears_when_its_counterpoint_is_unpublished(
    client, admin_user, django_capture_on_commit_callbacks
):
    post = make_post()
    ada = make_counterpoint(post, author_name="Ada", body="This will not last the year.")
    credit(post, ada)
    assert text(credit_line(page(client, post))) == "Credit: Ada saw this coming."

    with django_capture_on_commit_callbacks(execute=True):
        moderate_counterpoint(ada, Status.SPAM, by=admin_user)
    html = page(client, post)

    assert "saw this coming" not in html
    assert "This will not last the year." not in html


def test_an_earlier_verdict_keeps_its_credit_in_the_history(client):
    post = make_post()
    ada = make_counterpoint(post, author_name="Ada")
    credit(post, ada, decided_at=timezone.now() - timedelta(days=30))
    make_hindsight(post, verdict=Verdict.WRONG, note="It turned.")

    html = page(client, post)

    assert texts(html, "aside#verdict .hindsight-history .hindsight-credit") == [
        "Credit: Ada saw this coming."
    ]
    assert parse(html).select("aside#verdict > .hindsight-credit") == []


def test_a_new_credit_shows_on_a_cached_page_at_once(client, django_capture_on_commit_callbacks):
    post = make_post()
    ada = make_counterpoint(post, author_name="Ada")
    verdict = make_hindsight(post)
    assert "saw this coming" not in page(client, post)  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        verdict.credited.add(ada)

    assert text(credit_line(page(client, post))) == "Credit: Ada saw this coming."
    assert "credited in the verdict" in page(client, post)


# The author credits readers in the admin


def new_verdict(data, **fields):
    data.update(
        {
            "hindsights-TOTAL_FORMS": str(int(data["hindsights-TOTAL_FORMS"][0]) + 1),
            "hindsights-0-verdict": "nailed_it",
            "hindsights-0-decided_at_0": "2025-09-14",
            "hindsights-0-decided_at_1": "12:00:00",
            "hindsights-0-note": "It came true.",
            **fields,
        }
    )
    return data


def test_admin_offers_only_this_posts_approved_counterpoints_for_credit(admin_client):
    post = make_post()
    approved = make_counterpoint(post, author_name="Ada")
    pending = make_counterpoint(post, status=Status.PENDING, author_name="Pat")
    elsewhere = make_counterpoint(make_post(), author_name="Eve")

    html = admin_client.get(post_change_url(post)).content.decode()
    offered = set(re.findall(r'name="hindsights-__prefix__-credited" value="(\d+)"', html))

    assert offered == {str(approved.pk)}
    assert str(pending.pk) not in offered and str(elsewhere.pk) not in offered


def test_author_credits_a_reader_in_a_new_verdict(admin_client, client):
    post = make_post()
    ada = make_counterpoint(post, author_name="Ada")
    data = form_values(admin_client.get(post_change_url(post)).content.decode(), "post_form")

    response = admin_client.post(
        post_change_url(post), new_verdict(data, **{"hindsights-0-credited": [ada.pk]})
    )

    assert response.status_code == 302
    assert list(Hindsight.objects.get().credited.all()) == [ada]
    line = credit_line(page(client, post))
    assert text(line) == "Credit: Ada saw this coming."
    assert one(line, "a")["href"] == f"#counterpoint-{ada.pk}"


@pytest.mark.parametrize("status", [Status.PENDING, Status.REJECTED])
def test_admin_refuses_a_credit_to_an_unpublished_counterpoint(admin_client, status):
    post = make_post()
    unpublished = make_counterpoint(post, status=status)
    data = form_values(admin_client.get(post_change_url(post)).content.decode(), "post_form")

    response = admin_client.post(
        post_change_url(post), new_verdict(data, **{"hindsights-0-credited": [unpublished.pk]})
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Hindsight.objects.exists()


def test_admin_refuses_a_credit_to_another_posts_counterpoint(admin_client):
    post = make_post()
    elsewhere = make_counterpoint(make_post())
    data = form_values(admin_client.get(post_change_url(post)).content.decode(), "post_form")

    response = admin_client.post(
        post_change_url(post), new_verdict(data, **{"hindsights-0-credited": [elsewhere.pk]})
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Hindsight.objects.exists()


def test_verdict_admin_refuses_a_credit_to_another_posts_counterpoint(admin_client):
    post = make_post()
    elsewhere = make_counterpoint(make_post())
    data = {
        "post": post.pk,
        "verdict": "nailed_it",
        "decided_at_0": "2025-09-14",
        "decided_at_1": "12:00:00",
        "note": "",
        "credited": [elsewhere.pk],
    }

    response = admin_client.post(reverse("admin:blog_hindsight_add"), data)

    assert response.status_code == 200
    assert "Only counterpoints on this post can be credited" in response.content.decode()
    assert not Hindsight.objects.exists()


# Query budget


def test_post_page_costs_the_same_with_many_credits_as_with_one(client):
    moderator = make_user(staff=True)
    few = make_post(tags=["ai"])
    credit(few, make_counterpoint(few, reviewed_by=moderator))
    many = make_post(tags=["ai"])
    readers = [make_counterpoint(many, reviewed_by=moderator) for _ in range(60)]
    for n in range(6):
        credit(many, *readers[n * 10 : n * 10 + 10])

    _, few_queries = get_counting_queries(client, few.get_absolute_url())
    response, many_queries = get_counting_queries(client, many.get_absolute_url())
    html = response.content.decode()

    assert len(many_queries) == len(few_queries)
    assert html.count("credited in the verdict") == 60
    assert html.count("saw this coming") == 6

"""A submitter's private status link: what became of their counterpoint, and why."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from counterpoints.models import Counterpoint
from counterpoints.services import moderate_counterpoint
from tests.support.admin import REVIEW_QUEUE, counterpoint_change_url, review_form
from tests.support.factories import make_counterpoint, make_hindsight, make_post
from tests.support.html import one, parse, text, texts
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status
Reason = Counterpoint.RejectionReason


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://expectedwrong.example"


def status_page(client, counterpoint):
    response = client.get(counterpoint.get_status_url())
    assert response.status_code == 200
    return response, response.content.decode()


def main(html):
    return html[html.index('<main id="main">') : html.index("</main>")]


# The link, right after sending


def test_after_sending_the_reader_gets_a_private_link_to_keep(client):
    post = make_post()

    response = client.post(submit_url(post), form_data(post, author_email=""), follow=True)
    counterpoint = Counterpoint.objects.get()
    notice = one(response, "#counterpoint-sent .message-success")
    message = text(notice)

    url = f"https://expectedwrong.example/counterpoints/status/{counterpoint.status_token}/"
    assert "your counterpoint awaits review" in message
    assert "Keep this private link to see what happens to it" in message
    link = one(notice, "a.status-link")
    assert (link["href"], text(link)) == (url, url)
    assert "e-mail" not in message


def test_a_reader_who_left_an_address_is_told_they_will_hear_back(client):
    post = make_post()

    response = client.post(submit_url(post), form_data(post, author_email="ada@example.com"), follow=True)

    assert "We will e-mail you when it is published." in response.content.decode()


def test_the_link_opens_the_readers_counterpoint(client):
    post = make_post(title="The shoestring is a story")
    response = client.post(
        submit_url(post), form_data(post, body="The bill was **far** larger than reported."), follow=True
    )
    path = re.search(
        r'href="https://expectedwrong\.example(/counterpoints/status/[^"]+/)"', response.content.decode()
    )

    html = client.get(path.group(1)).content.decode()

    assert "The bill was far larger than reported." in text(html)
    assert "far" in texts(html, "strong")
    assert "The shoestring is a story" in html


def test_status_tokens_are_long_random_and_different_for_each_counterpoint():
    post = make_post()
    tokens = {make_counterpoint(post).status_token for _ in range(20)}

    assert len(tokens) == 20
    assert all(len(token) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", token) for token in tokens)


def test_a_double_click_gets_the_link_again(client):
    post = make_post()
    data = form_data(post, body="Sent twice by a double click.")
    client.post(submit_url(post), data)

    response = client.post(submit_url(post), data, follow=True)

    html = response.content.decode()
    assert "Thank you: your counterpoint awaits review." in html
    assert Counterpoint.objects.get().get_status_url() in html


def test_someone_else_sending_the_same_text_does_not_get_the_first_readers_link(client):
    post = make_post()
    client.post(submit_url(post), form_data(post, body="Great minds think alike, apparently."))
    mallory = Client()

    response = mallory.post(
        submit_url(post),
        form_data(post, author_name="Mallory", body="Great minds think alike, apparently."),
        REMOTE_ADDR="198.51.100.9",
        follow=True,
    )

    html = response.content.decode()
    first, repeat = Counterpoint.objects.order_by("pk")
    # The same answer as for any new counterpoint: thanks and a link, theirs.
    assert "Thank you: your counterpoint awaits review." in html
    assert first.status_token not in html
    assert repeat.get_status_url() in html


# The page for each status


def test_pending_counterpoint_is_waiting_for_review(client):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING, author_email="ada@example.com")

    _, html = status_page(client, counterpoint)

    assert text(html, ".status-badge") == "Waiting for review"
    assert "We will e-mail you when it is." in html


def test_approved_counterpoint_is_published_with_a_link_to_it(client):
    post = make_post()
    counterpoint = make_counterpoint(post, response=Counterpoint.AuthorResponse.CONCEDED)

    _, html = status_page(client, counterpoint)

    assert text(html, ".status-badge") == "Published"
    read_it = parse(html).find("a", string="Read it under the post")
    assert read_it["href"] == f"{post.get_absolute_url()}#counterpoint-{counterpoint.pk}"
    assert "The author’s response: conceded" in text(html)
    # The link works: the counterpoint is on the post page under that anchor.
    assert parse(client.get(post.get_absolute_url())).select(f"#counterpoint-{counterpoint.pk}")


def test_a_credited_counterpoint_says_so(client):
    post = make_post()
    counterpoint = make_counterpoint(post)

    make_hindsight(post).credited.add(counterpoint)

    _, html = status_page(client, counterpoint)

    assert "The verdict on the post credits it: you saw this coming." in html


@pytest.mark.parametrize(
    ("reason", "label", "explanation"),
    [
        (Reason.OFF_TOPIC, "off-topic", "It does not answer what this post argues."),
        (Reason.PERSONAL_ATTACK, "personal attack", "Take on the claim, not the people."),
        (Reason.ADVERTISING, "spam or advertising", "It reads as promotion or advertising"),
        (Reason.DUPLICATE, "duplicate", "repeats a counterpoint already sent for this post"),
        (Reason.UNSUPPORTED, "unsupported claim", "A source or a reason would let readers check it."),
    ],
)
def test_rejected_counterpoint_is_not_published_and_gives_the_reason(client, reason, label, explanation):
    counterpoint = make_counterpoint(make_post(), status=Status.REJECTED, rejection_reason=reason)

    _, html = status_page(client, counterpoint)

    assert text(html, ".status-badge") == "Not published"
    assert f"The moderator’s reason: {label}." in text(html)
    assert explanation in html
    assert "Read it under the post" not in html


def test_rejected_counterpoint_without_a_reason_says_only_that(client):
    counterpoint = make_counterpoint(make_post(), status=Status.REJECTED)

    _, html = status_page(client, counterpoint)

    assert "Not published" in html
    assert "A moderator decided not to publish it." in html
    assert "reason" not in main(html)


def test_spam_shows_as_not_published_and_never_says_spam(client):
    counterpoint = make_counterpoint(make_post(), status=Status.SPAM)

    _, html = status_page(client, counterpoint)

    assert text(html, ".status-badge") == "Not published"
    assert "spam" not in html.lower()


def test_unknown_token_is_404(client):
    counterpoint = make_counterpoint(make_post())

    assert client.get(reverse("counterpoints:status", args=["not-a-real-token"])).status_code == 404
    assert (
        client.get(reverse("counterpoints:status", args=[counterpoint.status_token[:-1]])).status_code == 404
    )


def test_status_page_is_private_never_cached_and_never_indexed(client):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)

    response, html = status_page(client, counterpoint)

    assert one(html, 'meta[name="robots"]')["content"] == "noindex, nofollow"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_status_page_shows_a_change_at_once(client, admin_user):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    status_page(client, counterpoint)

    moderate_counterpoint(counterpoint, Status.APPROVED, by=admin_user)

    assert "Published" in status_page(client, counterpoint)[1]


# The moderator picks the reason


def test_moderator_rejects_with_a_reason_in_the_change_form(admin_client, client):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    url = counterpoint_change_url(counterpoint)

    form_page = admin_client.get(url).content.decode()
    response = admin_client.post(
        url, review_form(counterpoint, status="rejected", rejection_reason="off_topic")
    )

    assert one(form_page, 'select[name="rejection_reason"]')
    assert counterpoint.get_status_url() in form_page  # the moderator can see what the reader sees
    assert response.status_code == 302
    assert "The moderator’s reason: off-topic." in text(status_page(client, counterpoint)[1])


def test_a_reason_on_an_approved_counterpoint_is_refused(admin_client):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING)
    url = counterpoint_change_url(counterpoint)

    response = admin_client.post(
        url, review_form(counterpoint, status="approved", rejection_reason="duplicate")
    )

    assert response.status_code == 200
    assert "A reason goes with a rejected or spam counterpoint only." in response.content.decode()
    counterpoint.refresh_from_db()
    assert counterpoint.status == Status.PENDING


def test_moderator_rejects_a_batch_with_a_reason(admin_client, client):
    post = make_post()
    chosen = [make_counterpoint(post, status=Status.PENDING) for _ in range(2)]

    response = admin_client.post(
        REVIEW_QUEUE,
        {"action": "reject_personal_attack", "_selected_action": [c.pk for c in chosen]},
        follow=True,
    )

    assert "2 counterpoints were rejected (personal attack)." in response.content.decode()
    for counterpoint in chosen:
        assert (
            "The moderator’s reason: <strong>personal attack</strong>."
            in status_page(client, counterpoint)[1]
        )


def test_approving_a_rejected_counterpoint_drops_its_reason(admin_client, client):
    counterpoint = make_counterpoint(make_post(), status=Status.REJECTED, rejection_reason=Reason.DUPLICATE)

    admin_client.post(
        REVIEW_QUEUE + "?status=all", {"action": "approve", "_selected_action": [counterpoint.pk]}
    )

    counterpoint.refresh_from_db()
    assert (counterpoint.status, counterpoint.rejection_reason) == (Status.APPROVED, "")
    assert "reason" not in main(status_page(client, counterpoint)[1])

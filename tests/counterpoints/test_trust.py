"""
Trusted returning submitters (issue 13): a confirmed address with enough
approved counterpoints and no spam is published at once when the setting is
on, listed for review after the fact, and one action revokes the trust.
"""

import re

import pytest

from counterpoints.models import ConfirmedAddress, Counterpoint
from tests.support.admin import REVIEW_QUEUE
from tests.support.factories import make_counterpoint, make_post
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status
SITE = "https://expectedwrong.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.MODERATOR_EMAILS = ["mod@example.com"]
    settings.COUNTERPOINT_PUBLISH_TRUSTED = True
    settings.COUNTERPOINT_TRUST_AFTER = 3


def confirm_path(mail):
    return re.search(r"https://expectedwrong\.example(/counterpoints/confirm/\S+/)", mail.body).group(1)


def test_the_approval_mail_carries_a_link_that_confirms_the_address(admin_client, client, sent_mail):
    first = make_counterpoint(make_post(), status=Status.PENDING, author_email="Ada@Example.com")
    admin_client.post(REVIEW_QUEUE, {"action": "approve", "_selected_action": [first.pk]})
    (mail,) = sent_mail()
    path = confirm_path(mail)

    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm ada@example.com" in page.content.decode()
    assert not ConfirmedAddress.objects.exists()  # a GET (a mail scanner) confirms nothing

    done = client.post(path)
    assert "Your address is confirmed" in done.content.decode()
    assert ConfirmedAddress.objects.get().email == "ada@example.com"

    second = make_counterpoint(make_post(), status=Status.PENDING, author_email="ada@example.com")
    admin_client.post(REVIEW_QUEUE, {"action": "approve", "_selected_action": [second.pk]})
    assert "/counterpoints/confirm/" not in sent_mail()[1].body


def test_a_tampered_confirmation_link_is_404(client):
    assert client.get("/counterpoints/confirm/ImFkYUBleGFtcGxlLmNvbSI:forged/").status_code == 404
    assert not ConfirmedAddress.objects.exists()


def returning_reader(*, approved=3, confirmed=True, spam=0, email="ada@example.com"):
    post = make_post()
    for _ in range(approved):
        make_counterpoint(post, author_email=email)
    for _ in range(spam):
        make_counterpoint(post, status=Status.SPAM, author_email=email)
    if confirmed:
        ConfirmedAddress.objects.create(email=email)
    return post


def send(client, post, **fields):
    data = form_data(
        post, **{"author_email": "ada@example.com", "body": "My fourth point, on the numbers.", **fields}
    )
    return client.post(submit_url(post), data, follow=True)


def test_a_trusted_readers_fourth_counterpoint_is_published_at_once(client, admin_client, sent_mail):
    post = returning_reader()
    response = send(client, post)

    html = response.content.decode()
    assert "your counterpoint is published" in html
    assert "My fourth point, on the numbers." in html  # on the post page, which it came back to
    fourth = Counterpoint.objects.get(body="My fourth point, on the numbers.")
    assert (fourth.status, fourth.published_without_review) == (Status.APPROVED, True)
    # Listed for review after the fact, and the moderators are told.
    assert list(admin_client.get(REVIEW_QUEUE, {"status": "unreviewed"}).context["cl"].result_list) == [
        fourth
    ]
    (mail,) = sent_mail()
    assert "It is published already: its sender is a trusted returning submitter." in mail.body


@pytest.mark.parametrize(
    ("setting_on", "reader"),
    [
        pytest.param(False, {}, id="setting-off"),
        pytest.param(True, {"approved": 2}, id="too-few-approved"),
        pytest.param(True, {"confirmed": False}, id="address-not-confirmed"),
        pytest.param(True, {"spam": 1}, id="marked-as-spam-before"),
    ],
)
def test_otherwise_the_counterpoint_waits_for_review(client, settings, setting_on, reader):
    settings.COUNTERPOINT_PUBLISH_TRUSTED = setting_on
    post = returning_reader(**reader)
    html = send(client, post).content.decode()
    assert "your counterpoint awaits review" in html
    assert Counterpoint.objects.get(body="My fourth point, on the numbers.").status == Status.PENDING


def test_a_reader_without_an_address_is_held_as_before(client):
    post = returning_reader()
    client.post(submit_url(post), form_data(post, author_email="", body="No address given this time."))
    assert Counterpoint.objects.get(body="No address given this time.").status == Status.PENDING


def test_one_click_revokes_the_trust(client, admin_client):
    post = returning_reader()
    send(client, post)
    fourth = Counterpoint.objects.get(body="My fourth point, on the numbers.")
    response = admin_client.post(
        REVIEW_QUEUE + "?status=unreviewed",
        {"action": "revoke_trust", "_selected_action": [fourth.pk]},
        follow=True,
    )
    assert "1 submitter is no longer trusted." in response.content.decode()
    assert ConfirmedAddress.objects.get().trust_revoked_at is not None

    send(client, post, body="And a fifth, now held for review.")
    assert Counterpoint.objects.get(body="And a fifth, now held for review.").status == Status.PENDING

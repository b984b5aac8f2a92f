"""
Fair notices (issue 13): a rejection may carry a note in the moderator's own
words besides the reason; the submitter reads both on their status page and
by mail. The author's answer is mailed too. Every mail can be unsubscribed.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from counterpoints import services
from counterpoints.models import Counterpoint, Unsubscribed
from tests.support.admin import counterpoint_change_url, make_moderator, review_form
from tests.support.factories import make_counterpoint, make_post
from tests.support.html import text

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://expectedwrong.example"
    settings.SITE_NAME = "expectedwrong"


def change(client, counterpoint, **fields):
    return client.post(counterpoint_change_url(counterpoint), review_form(counterpoint, **fields))


NOTE = "The third paragraph misquotes the post: <script>alert(1)</script> read it again."


def test_a_rejection_note_is_shown_on_the_status_page_and_mailed(admin_client, client, sent_mail):
    counterpoint = make_counterpoint(
        make_post(title="The argument"), status=Status.PENDING, author_email="ada@example.com"
    )
    response = change(
        admin_client, counterpoint, status="rejected", rejection_reason="off_topic", rejection_note=NOTE
    )
    assert response.status_code == 302

    html = client.get(counterpoint.get_status_url()).content.decode()
    assert "Not published" in html
    assert "The moderator’s reason: off-topic" in text(html)
    assert (
        "The third paragraph misquotes the post: &lt;script&gt;alert(1)&lt;/script&gt; read it again." in html
    )
    assert "<script>alert(1)" not in html

    (mail,) = sent_mail()
    assert mail.to == ["ada@example.com"]
    assert mail.subject == "[expectedwrong] Your counterpoint on “The argument” is not published"
    assert "The reason: off-topic. It does not answer what this post argues." in mail.body
    assert NOTE in mail.body
    assert "https://expectedwrong.example" + counterpoint.get_status_url() in mail.body
    assert (
        "To get no more of these e-mails: https://expectedwrong.example/counterpoints/unsubscribe/"
        in mail.body
    )
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_rejection_without_reason_or_note_still_tells_the_submitter(admin_client, sent_mail):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING, author_email="ada@example.com")
    admin_client.post(
        reverse("admin:counterpoints_counterpoint_changelist"),
        {"action": "reject", "_selected_action": [counterpoint.pk]},
    )
    (mail,) = sent_mail()
    assert "will not be published" in mail.body
    assert "The reason" not in mail.body


def test_an_unsubscribed_submitter_is_not_mailed_about_a_rejection(admin_client, sent_mail):
    Unsubscribed.objects.create(email="ada@example.com")
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING, author_email="Ada@example.com")
    change(admin_client, counterpoint, status="rejected", rejection_note="Not this time.")
    assert sent_mail() == []


def test_spam_is_never_mailed_even_with_a_note(admin_client, sent_mail):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING, author_email="bot@example.com")
    change(admin_client, counterpoint, status="spam", rejection_note="Go away.")
    counterpoint.refresh_from_db()
    assert counterpoint.status == Status.SPAM
    assert sent_mail() == []


def test_a_note_does_not_go_with_an_approval(admin_client, sent_mail):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING, author_email="ada@example.com")
    response = change(admin_client, counterpoint, status="approved", rejection_note="Odd, but fine.")
    assert response.status_code == 200
    assert "A note to the submitter goes with a rejection only." in response.content.decode()
    counterpoint.refresh_from_db()
    assert (counterpoint.status, counterpoint.rejection_note) == (Status.PENDING, "")
    assert sent_mail() == []


# The author's answer


def test_the_authors_answer_is_mailed_to_the_submitter(admin_client, sent_mail):
    counterpoint = make_counterpoint(make_post(title="The argument"), author_email="ada@example.com")
    change(admin_client, counterpoint, response="conceded", author_reply="You were **right**, I was wrong.")
    (mail,) = sent_mail()
    assert mail.subject == "[expectedwrong] The author answered your counterpoint on “The argument”"
    assert "Their response: conceded." in mail.body
    assert "You were right, I was wrong." in mail.body
    assert "https://expectedwrong.example" + counterpoint.get_absolute_url() in mail.body
    assert "To get no more of these e-mails:" in mail.body
    assert "Answered as the author." in [entry.get_change_message() for entry in LogEntry.objects.all()]


def test_no_answer_mail_for_an_unchanged_answer_or_a_pending_counterpoint(admin_client, sent_mail):
    post = make_post()
    answered = make_counterpoint(post, author_email="ada@example.com", author_reply="Already said.")
    pending = make_counterpoint(post, status=Status.PENDING, author_email="bo@example.com")
    change(admin_client, answered, moderator_note="Just a note.")
    change(admin_client, pending, author_reply="Noted, before approving.")
    assert sent_mail() == []
    pending.refresh_from_db()
    assert pending.author_reply == "Noted, before approving."


def test_only_the_author_may_answer_through_the_service():
    moderator = make_moderator()
    counterpoint = make_counterpoint(make_post())
    with pytest.raises(PermissionDenied):
        services.answer_counterpoint(counterpoint=counterpoint, response="conceded", reply="", by=moderator)
    counterpoint.refresh_from_db()
    assert counterpoint.response == ""

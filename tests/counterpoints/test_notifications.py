"""
Who hears what by e-mail (counterpoints/notifications.py): moderators about
every new counterpoint; submitters who left an address when theirs is
published and when the post gets a verdict, with a way to unsubscribe.
"""

import logging
import re
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from blog.models import Hindsight, Post, Verdict
from counterpoints.models import Counterpoint, OutboxMail, Unsubscribed
from tests.support.admin import REVIEW_QUEUE, counterpoint_change_url
from tests.support.factories import make_counterpoint, make_post
from tests.support.forms import form_values
from tests.support.html import one, text
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db

Status = Counterpoint.Status
SITE = "https://expectedwrong.example"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "expectedwrong"
    settings.MODERATOR_EMAILS = []


@pytest.fixture
def moderators(settings):
    settings.MODERATOR_EMAILS = ["mod1@example.com", "mod2@example.com"]


def approve_in_admin(admin_client, *counterpoints):
    return admin_client.post(
        REVIEW_QUEUE + "?status=all", {"action": "approve", "_selected_action": [c.pk for c in counterpoints]}
    )


def give_verdict_in_admin(admin_client, post, **fields):
    """The author adds a verdict on the post's admin page, as the page offers it."""
    url = reverse("admin:blog_post_change", args=[post.pk])
    data = form_values(admin_client.get(url).content.decode(), "post_form")
    n = int(data["hindsights-TOTAL_FORMS"][0])
    data.update(
        {
            "hindsights-TOTAL_FORMS": str(n + 1),
            f"hindsights-{n}-verdict": "nailed_it",
            f"hindsights-{n}-decided_at_0": "2025-09-14",
            f"hindsights-{n}-decided_at_1": "12:00:00",
            f"hindsights-{n}-note": "Called it **exactly**.",
            **{f"hindsights-{n}-{name}": value for name, value in fields.items()},
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    return response


def unsubscribe_path(mail):
    url = re.search(r"To get no more of these e-mails: (\S+)", mail.body).group(1)
    assert url.startswith(f"{SITE}/counterpoints/unsubscribe/")
    assert mail.extra_headers["List-Unsubscribe"] == f"<{url}>"
    return url.removeprefix(SITE)


# New counterpoints: the moderators


@pytest.mark.usefixtures("moderators")
def test_new_counterpoint_emails_the_moderators(client, sent_mail, django_capture_on_commit_callbacks):
    post = make_post(title="The shoestring is a story")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, author_name="Ada", body="The bill was **far** larger."))
    assert len(sent_mail()) == 1
    mail = sent_mail()[0]
    assert mail.to == ["mod1@example.com", "mod2@example.com"]
    assert mail.subject == "[expectedwrong] New counterpoint on “The shoestring is a story”"
    assert "Ada sharpens on “The shoestring is a story”" in mail.body
    assert "The bill was far larger." in mail.body
    assert "**" not in mail.body


@pytest.mark.usefixtures("moderators")
def test_email_links_to_the_post_and_to_the_review_page_in_the_admin(
    client, sent_mail, django_capture_on_commit_callbacks
):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post))
    counterpoint = Counterpoint.objects.get()
    body = sent_mail()[0].body
    assert f"https://expectedwrong.example/admin/counterpoints/counterpoint/{counterpoint.pk}/change/" in body
    assert f"https://expectedwrong.example{post.get_absolute_url()}" in body


@pytest.mark.usefixtures("moderators")
def test_email_lists_where_the_links_point(client, sent_mail):
    post = make_post()
    body = "See [the source](https://example.org/report?a=1&b=2) and <https://spam.example/>."
    client.post(submit_url(post), form_data(post, body=body))
    mail_body = sent_mail()[0].body
    assert "See the source and https://spam.example/." in mail_body
    assert "Links in it:\nhttps://example.org/report?a=1&b=2\nhttps://spam.example/\n" in mail_body


@pytest.mark.usefixtures("moderators")
def test_email_includes_the_quoted_passage(client, sent_mail, django_capture_on_commit_callbacks):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, quote="Stories spread\nfaster."))
    assert "Quoting:\n> Stories spread faster." in sent_mail()[0].body


@pytest.mark.usefixtures("moderators")
def test_the_request_sends_nothing_itself_the_mail_waits_in_the_outbox(client, mailoutbox, sent_mail):
    post = make_post()
    client.post(submit_url(post), form_data(post))
    assert mailoutbox == []
    assert OutboxMail.objects.get().to == ["mod1@example.com", "mod2@example.com"]
    assert len(sent_mail()) == 1
    assert OutboxMail.objects.get().sent_at is not None


@pytest.mark.usefixtures("moderators")
def test_no_email_for_a_refused_counterpoint(client, sent_mail, django_capture_on_commit_callbacks):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, subject="bot"))
        client.post(submit_url(post), form_data(post, author_name=""))
    assert sent_mail() == []


@pytest.mark.usefixtures("moderators")
def test_no_second_email_for_a_duplicate(client, sent_mail, django_capture_on_commit_callbacks):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, body="Sent twice by a double click."))
        client.post(submit_url(post), form_data(post, body="Sent twice by a double click."))
    assert len(sent_mail()) == 1


@pytest.mark.usefixtures("moderators")
def test_a_mail_failure_keeps_the_counterpoint_and_the_mail(client, sent_mail, monkeypatch):
    def broken_send(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server is down")

    post = make_post()
    response = client.post(submit_url(post), form_data(post))
    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", broken_send)
        assert sent_mail() == []
    assert response.status_code == 302
    assert Counterpoint.objects.count() == 1
    assert OutboxMail.objects.get(sent_at=None).attempts == 1
    assert len(sent_mail()) == 0  # not due again until its retry time


def test_without_moderator_addresses_nothing_is_sent_and_it_is_logged(
    client, settings, sent_mail, django_capture_on_commit_callbacks, caplog
):
    post = make_post()
    with (
        caplog.at_level(logging.WARNING, logger="counterpoints.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(submit_url(post), form_data(post))
    assert sent_mail() == []
    assert "No moderator has an e-mail address" in caplog.text


# Published


def test_approval_emails_the_submitter_with_links_to_it(
    admin_client, sent_mail, django_capture_on_commit_callbacks
):
    post = make_post(title="The shoestring is a story")
    counterpoint = make_counterpoint(
        post, status=Status.PENDING, author_name="Ada", author_email="ada@example.com"
    )

    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(admin_client, counterpoint)

    assert len(sent_mail()) == 1
    mail = sent_mail()[0]
    assert mail.to == ["ada@example.com"]
    assert mail.subject == "[expectedwrong] Your counterpoint on “The shoestring is a story” is published"
    assert "Hello Ada," in mail.body
    assert f"{SITE}{post.get_absolute_url()}#counterpoint-{counterpoint.pk}" in mail.body
    assert f"{SITE}/counterpoints/status/{counterpoint.status_token}/" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_path(mail)


def test_approval_in_the_change_form_emails_too(admin_client, sent_mail, django_capture_on_commit_callbacks):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING, author_email="ada@example.com")
    url = counterpoint_change_url(counterpoint)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            url, {"status": "approved", "response": "", "author_reply": "", "moderator_note": ""}
        )

    assert [mail.to for mail in sent_mail()] == [["ada@example.com"]]


def test_approval_mail_waits_in_the_outbox_for_the_sender(admin_client, mailoutbox, sent_mail):
    counterpoint = make_counterpoint(make_post(), status=Status.PENDING, author_email="ada@example.com")

    approve_in_admin(admin_client, counterpoint)

    assert mailoutbox == []  # the request sent nothing itself
    assert OutboxMail.objects.get().to == ["ada@example.com"]
    assert [mail.to for mail in sent_mail()] == [["ada@example.com"]]


def test_no_mail_without_an_address_or_for_spam(admin_client, sent_mail, django_capture_on_commit_callbacks):
    post = make_post()
    anonymous = make_counterpoint(post, status=Status.PENDING, author_email="")
    spam = make_counterpoint(post, status=Status.PENDING, author_email="bo@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(admin_client, anonymous)
        admin_client.post(REVIEW_QUEUE, {"action": "mark_spam", "_selected_action": [spam.pk]})

    assert sent_mail() == []


def test_approving_an_already_approved_counterpoint_sends_nothing(
    admin_client, sent_mail, django_capture_on_commit_callbacks
):
    counterpoint = make_counterpoint(make_post(), author_email="ada@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(admin_client, counterpoint)

    assert sent_mail() == []


# A verdict


def test_a_verdict_emails_each_reader_with_an_approved_counterpoint_once(
    admin_client, sent_mail, django_capture_on_commit_callbacks
):
    post = make_post(title="A bold call")
    ada_first = make_counterpoint(post, author_name="Ada", author_email="ada@example.com")
    ada_second = make_counterpoint(post, author_name="Ada", author_email="ADA@example.com ")
    make_counterpoint(post, author_name="Bo", author_email="bo@example.com")
    make_counterpoint(post, author_email="")
    make_counterpoint(post, status=Status.PENDING, author_email="pat@example.com")
    make_counterpoint(post, status=Status.REJECTED, author_email="rex@example.com")
    make_counterpoint(make_post(), author_email="elsewhere@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        give_verdict_in_admin(admin_client, post)

    assert sorted(mail.to[0].strip().lower() for mail in sent_mail()) == ["ada@example.com", "bo@example.com"]
    ada = next(mail for mail in sent_mail() if mail.to[0].lower().startswith("ada"))
    assert ada.subject == "[expectedwrong] A verdict on “A bold call”: nailed it"
    assert "“A bold call”, the post you answered, has a hindsight verdict: nailed it." in ada.body
    assert "Called it exactly." in ada.body
    assert f"{SITE}{post.get_absolute_url()}#verdict" in ada.body
    assert ada_first.get_absolute_url() in ada.body and ada_second.get_absolute_url() in ada.body
    unsubscribe_path(ada)


def test_a_credited_reader_is_told_so(admin_client, sent_mail, django_capture_on_commit_callbacks):
    post = make_post()
    ada = make_counterpoint(post, author_email="ada@example.com")
    make_counterpoint(post, author_email="bo@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        give_verdict_in_admin(admin_client, post, credited=[ada.pk])

    credited = {mail.to[0]: "The verdict credits your counterpoint" in mail.body for mail in sent_mail()}
    assert credited == {"ada@example.com": True, "bo@example.com": False}


def test_a_revised_verdict_says_what_it_was_before(
    admin_client, sent_mail, django_capture_on_commit_callbacks
):
    post = make_post(title="A bold call")
    make_counterpoint(post, author_email="ada@example.com")
    Hindsight.objects.create(
        post=post, verdict=Verdict.STILL_OPEN, decided_at=datetime(2025, 2, 3, tzinfo=UTC)
    )

    with django_capture_on_commit_callbacks(execute=True):
        give_verdict_in_admin(admin_client, post)

    assert "has a hindsight verdict: nailed it (it was still open before)." in sent_mail()[0].body


def test_a_verdict_added_in_the_verdicts_admin_emails_too(
    admin_client, sent_mail, django_capture_on_commit_callbacks
):
    post = make_post()
    make_counterpoint(post, author_email="ada@example.com")
    data = {"post": post.pk, "verdict": "wrong", "decided_at_0": "2025-09-14", "decided_at_1": "12:00:00"}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:blog_hindsight_add"), {**data, "note": "Missed it."})

    assert response.status_code == 302
    assert [mail.to for mail in sent_mail()] == [["ada@example.com"]]
    assert "verdict: wrong" in sent_mail()[0].body


def test_seed_loader_adds_verdicts_without_mail(tmp_path, sent_mail, django_capture_on_commit_callbacks):
    seed = '+++\ntitle = "Seeded"\nslug = "seeded"\ndate = 2025-01-01T00:00:00Z\n{}+++\n\nThe body.\n'
    (tmp_path / "seeded.md").write_text(seed.format(""))
    call_command("load_seeds", tmp_path, stdout=StringIO())
    make_counterpoint(Post.objects.get(slug="seeded"), author_email="a@example.com")
    (tmp_path / "seeded.md").write_text(seed.format('[[hindsight]]\nverdict = "wrong"\n'))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seeds", tmp_path, stdout=StringIO())

    assert Hindsight.objects.count() == 1
    assert sent_mail() == []


def test_a_mail_failure_keeps_the_verdict_and_the_mail(
    admin_client, sent_mail, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    post = make_post()
    make_counterpoint(post, author_email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        give_verdict_in_admin(admin_client, post)

    def broken_send(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server is down")

    with monkeypatch.context() as patch, caplog.at_level(logging.WARNING, logger="counterpoints.outbox"):
        patch.setattr(EmailMessage, "send", broken_send)
        assert sent_mail() == []

    assert Hindsight.objects.filter(post=post).count() == 1
    assert "Could not send mail" in caplog.text
    waiting = OutboxMail.objects.get()
    assert (waiting.sent_at, waiting.attempts) == (None, 1)
    assert "SMTP server is down" in waiting.last_error


# Unsubscribing


def verdict_mail_for(admin_client, post, django_capture_on_commit_callbacks, sent_mail):
    sent_mail().clear()
    with django_capture_on_commit_callbacks(execute=True):
        give_verdict_in_admin(admin_client, post)
    return list(sent_mail())


def test_the_unsubscribe_link_asks_first_and_a_get_changes_nothing(
    admin_client, sent_mail, django_capture_on_commit_callbacks
):
    post = make_post()
    make_counterpoint(post, author_email="ada@example.com")
    (mail,) = verdict_mail_for(admin_client, post, django_capture_on_commit_callbacks, sent_mail)

    response = Client().get(unsubscribe_path(mail))

    html = response.content.decode()
    assert response.status_code == 200
    form = one(html, "form.unsubscribe-form")
    assert form["method"] == "post"
    assert text(form, 'button[type="submit"]') == "Unsubscribe ada@example.com"
    assert one(html, 'meta[name="robots"]')["content"] == "noindex, nofollow"
    assert not Unsubscribed.objects.exists()
    assert len(verdict_mail_for(admin_client, post, django_capture_on_commit_callbacks, sent_mail)) == 1


def test_unsubscribing_stops_every_further_mail(admin_client, sent_mail, django_capture_on_commit_callbacks):
    post = make_post()
    make_counterpoint(post, author_email="Ada@Example.com")
    (mail,) = verdict_mail_for(admin_client, post, django_capture_on_commit_callbacks, sent_mail)
    reader = Client(enforce_csrf_checks=True)
    path = unsubscribe_path(mail)

    # The page's button, or a mail provider's one-click POST: neither carries a CSRF token.
    response = reader.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert list(Unsubscribed.objects.values_list("email", flat=True)) == ["ada@example.com"]
    assert "You are unsubscribed" in reader.get(path).content.decode()
    assert verdict_mail_for(admin_client, post, django_capture_on_commit_callbacks, sent_mail) == []
    pending = make_counterpoint(post, status=Status.PENDING, author_email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_admin(admin_client, pending)
    assert sent_mail() == []


def test_unsubscribing_twice_is_fine(client):
    from counterpoints import notifications

    path = notifications.unsubscribe_url("ada@example.com").removeprefix(SITE)

    client.post(path)
    response = client.post(path)

    assert response.status_code == 200
    assert Unsubscribed.objects.count() == 1


def test_a_forged_unsubscribe_link_is_404(client):
    from django.core import signing

    from counterpoints import notifications

    tampered = notifications.unsubscribe_token("ada@example.com")[:-2] + "xx"
    signed_for_something_else = signing.dumps("eve@example.com")

    for token in (tampered, signed_for_something_else, "nonsense"):
        url = reverse("counterpoints:unsubscribe", args=[token])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert not Unsubscribed.objects.exists()


def test_someone_else_unsubscribing_leaves_other_readers_subscribed(
    admin_client, sent_mail, django_capture_on_commit_callbacks
):
    post = make_post()
    make_counterpoint(post, author_email="ada@example.com")
    make_counterpoint(post, author_email="bo@example.com")
    mails = verdict_mail_for(admin_client, post, django_capture_on_commit_callbacks, sent_mail)
    bo = next(mail for mail in mails if mail.to == ["bo@example.com"])

    Client().post(unsubscribe_path(bo))

    assert [
        m.to for m in verdict_mail_for(admin_client, post, django_capture_on_commit_callbacks, sent_mail)
    ] == [["ada@example.com"]]

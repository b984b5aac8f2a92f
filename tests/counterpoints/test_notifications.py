"""Moderators hear about every new counterpoint by e-mail."""

import logging

import pytest
from django.core.mail import EmailMessage

from counterpoints.models import Counterpoint, OutboxMail
from tests.support.factories import make_post
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def moderators(settings):
    settings.MODERATOR_EMAILS = ["mod1@example.com", "mod2@example.com"]
    settings.SITE_URL = "https://expectedwrong.example"
    settings.SITE_NAME = "expectedwrong"


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


def test_email_lists_where_the_links_point(client, sent_mail):
    post = make_post()
    body = "See [the source](https://example.org/report?a=1&b=2) and <https://spam.example/>."
    client.post(submit_url(post), form_data(post, body=body))
    mail_body = sent_mail()[0].body
    assert "See the source and https://spam.example/." in mail_body
    assert "Links in it:\nhttps://example.org/report?a=1&b=2\nhttps://spam.example/\n" in mail_body


def test_email_includes_the_quoted_passage(client, sent_mail, django_capture_on_commit_callbacks):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, quote="Stories spread\nfaster."))
    assert "Quoting:\n> Stories spread faster." in sent_mail()[0].body


def test_the_request_sends_nothing_itself_the_mail_waits_in_the_outbox(client, mailoutbox, sent_mail):
    post = make_post()
    client.post(submit_url(post), form_data(post))
    assert mailoutbox == []
    assert OutboxMail.objects.get().to == ["mod1@example.com", "mod2@example.com"]
    assert len(sent_mail()) == 1
    assert OutboxMail.objects.get().sent_at is not None


def test_no_email_for_a_refused_counterpoint(client, sent_mail, django_capture_on_commit_callbacks):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, subject="bot"))
        client.post(submit_url(post), form_data(post, author_name=""))
    assert sent_mail() == []


def test_no_second_email_for_a_duplicate(client, sent_mail, django_capture_on_commit_callbacks):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, body="Sent twice by a double click."))
        client.post(submit_url(post), form_data(post, body="Sent twice by a double click."))
    assert len(sent_mail()) == 1


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
    settings.MODERATOR_EMAILS = []
    post = make_post()
    with (
        caplog.at_level(logging.WARNING, logger="counterpoints.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(submit_url(post), form_data(post))
    assert sent_mail() == []
    assert "No moderator has an e-mail address" in caplog.text

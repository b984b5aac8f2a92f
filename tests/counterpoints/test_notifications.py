"""Moderators hear about every new counterpoint by e-mail."""

import logging

import pytest

from counterpoints import services
from counterpoints.models import Counterpoint
from tests.counterpoints.factories import form_data, submit_url
from tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def moderators(settings):
    settings.MODERATOR_EMAILS = ["mod1@example.com", "mod2@example.com"]
    settings.SITE_URL = "https://expectedwrong.example"
    settings.SITE_NAME = "expectedwrong"


def test_new_counterpoint_emails_the_moderators(client, mailoutbox, django_capture_on_commit_callbacks):
    post = make_post(title="The shoestring is a story")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, author_name="Ada", body="The bill was **far** larger."))
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["mod1@example.com", "mod2@example.com"]
    assert mail.subject == "[expectedwrong] New counterpoint on “The shoestring is a story”"
    assert "Ada sharpens on “The shoestring is a story”" in mail.body
    assert "The bill was **far** larger." in mail.body


def test_email_links_to_the_post_and_to_the_review_page_in_the_admin(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post))
    counterpoint = Counterpoint.objects.get()
    body = mailoutbox[0].body
    assert f"https://expectedwrong.example/admin/counterpoints/counterpoint/{counterpoint.pk}/change/" in body
    assert f"https://expectedwrong.example{post.get_absolute_url()}" in body


def test_email_includes_the_quoted_passage(client, mailoutbox, django_capture_on_commit_callbacks):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, quote="Stories spread\nfaster."))
    assert "Quoting: “Stories spread faster.”" in mailoutbox[0].body


def test_email_is_sent_only_after_the_commit(client, mailoutbox, django_capture_on_commit_callbacks):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(submit_url(post), form_data(post))
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_no_email_for_a_refused_counterpoint(client, mailoutbox, django_capture_on_commit_callbacks):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, subject="bot"))
        client.post(submit_url(post), form_data(post, author_name=""))
    assert mailoutbox == []


def test_no_second_email_for_a_duplicate(client, mailoutbox, django_capture_on_commit_callbacks):
    post = make_post()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit_url(post), form_data(post, body="Sent twice by a double click."))
        client.post(submit_url(post), form_data(post, body="Sent twice by a double click."))
    assert len(mailoutbox) == 1


def test_a_mail_failure_is_logged_and_the_counterpoint_kept(
    client, mailoutbox, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken_send_mail(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server is down")

    monkeypatch.setattr(services, "send_mail", broken_send_mail)
    post = make_post()
    with (
        caplog.at_level(logging.ERROR, logger="counterpoints.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(submit_url(post), form_data(post))
    assert response.status_code == 302
    assert Counterpoint.objects.count() == 1
    assert "Could not e-mail the moderators about counterpoint" in caplog.text


def test_without_moderator_addresses_nothing_is_sent_and_it_is_logged(
    client, settings, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    settings.MODERATOR_EMAILS = []
    post = make_post()
    with (
        caplog.at_level(logging.WARNING, logger="counterpoints.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.post(submit_url(post), form_data(post))
    assert mailoutbox == []
    assert "No moderator has an e-mail address" in caplog.text

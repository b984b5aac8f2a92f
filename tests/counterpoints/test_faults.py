"""
When something breaks during a submission, the reader's counterpoint is
either stored whole or not at all, and the reader is told which.

A mail failure keeps the counterpoint and the mail: the mail waits in the
outbox (here the mail backend itself fails, as an SMTP server that is down
would; test_outbox.py has a real server that refuses). A database failure
inside the submission leaves no row behind and answers with the site's
500 page.
"""

import logging
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, IntegrityError, OperationalError

from counterpoints.models import Counterpoint, OutboxMail
from tests.support.factories import make_post
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db


class DownSMTPBackend(BaseEmailBackend):
    """What Django's SMTP backend raises when the server refuses the connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, b"Service not available")


def test_a_mail_server_that_is_down_loses_no_counterpoint(client, settings, sent_mail):
    settings.EMAIL_BACKEND = f"{__name__}.DownSMTPBackend"
    settings.MODERATOR_EMAILS = ["mod@example.com"]
    post = make_post()
    data = form_data(post, body="Stored even though nobody could be e-mailed about it.")

    response = client.post(submit_url(post), data, follow=True)

    assert response.status_code == 200
    assert "your counterpoint awaits review" in response.content.decode()
    stored = Counterpoint.objects.get()
    assert stored.body == "Stored even though nobody could be e-mailed about it."
    assert stored.status == Counterpoint.Status.PENDING
    assert sent_mail() == []
    assert "SMTPConnectError" in OutboxMail.objects.get(sent_at=None).last_error


def failing_save(error, *, after_insert):
    """Counterpoint.save that fails before its INSERT, or after it inside the transaction."""
    original_save = Counterpoint.save

    def save(self, *args, **kwargs):
        if after_insert:
            original_save(self, *args, **kwargs)
        raise error

    return save


@pytest.mark.parametrize(
    ("error", "after_insert"),
    [
        pytest.param(OperationalError("database is locked"), False, id="locked-before-insert"),
        pytest.param(DatabaseError("disk I/O error"), True, id="io-error-after-insert"),
        pytest.param(IntegrityError("CHECK constraint failed"), True, id="integrity-error-after-insert"),
    ],
)
def test_a_database_error_leaves_no_half_saved_row_and_shows_the_error_page(
    client, monkeypatch, sent_mail, django_capture_on_commit_callbacks, caplog, error, after_insert
):
    post = make_post()
    monkeypatch.setattr(Counterpoint, "save", failing_save(error, after_insert=after_insert))
    client.raise_request_exception = False

    with (
        caplog.at_level(logging.ERROR, logger="django.request"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(submit_url(post), form_data(post))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "Nothing you sent was half-saved" in html
    assert Counterpoint.objects.count() == 0
    assert callbacks == []
    assert sent_mail() == []
    assert "Internal Server Error" in caplog.text


def test_after_a_database_error_the_same_counterpoint_can_be_sent_again(client, monkeypatch):
    post = make_post()
    data = form_data(post, body="Sent once into a failing database, then again.")
    client.raise_request_exception = False
    with monkeypatch.context() as patch:
        patch.setattr(Counterpoint, "save", failing_save(DatabaseError("disk I/O error"), after_insert=True))
        assert client.post(submit_url(post), data).status_code == 500

    response = client.post(submit_url(post), data, follow=True)

    assert "your counterpoint awaits review" in response.content.decode()
    assert Counterpoint.objects.get().body == "Sent once into a failing database, then again."

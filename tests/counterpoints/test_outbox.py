"""
The mail outbox against a real SMTP conversation on a local port: while the
server refuses, submissions and moderation still succeed and the mail waits;
when it comes back, ``manage.py send_mail_outbox`` sends all of it, once.
"""

import socket
import socketserver
import threading
from datetime import timedelta
from email import message_from_string, policy
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from counterpoints.models import Counterpoint, OutboxMail
from counterpoints.outbox import deliver_due, queue_mail, retry_delay
from tests.support.factories import make_post
from tests.support.submissions import form_data, submit_url

pytestmark = pytest.mark.django_db


class RefusingHandler(socketserver.BaseRequestHandler):
    """A mail server that is down: the connection closes before any greeting."""

    def handle(self):
        self.request.close()


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every message is kept on the server."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 localhost ESMTP test")
        envelope = {"to": []}
        for raw in self.rfile:
            command = raw.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 localhost")
            elif command.startswith("MAIL FROM"):
                envelope = {"to": []}
                self.reply("250 OK")
            elif command.startswith("RCPT TO"):
                address = raw.decode().split(":", 1)[1].strip(" <>\r\n")
                answer = self.recipient_answer(address)
                if answer.startswith("250"):
                    envelope["to"].append(address)
                self.reply(answer)
            elif command == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                for data in self.rfile:
                    if data in (b".\r\n", b".\n"):
                        break
                    lines.append(data.decode())
                self.server.received.append({**envelope, "data": "".join(lines)})
                self.reply("250 OK queued")
            elif command == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")

    def recipient_answer(self, address):
        return "250 OK"


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


@pytest.fixture
def smtp_port(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return port


def serve(port, handler):
    server = Server(("127.0.0.1", port), handler)
    server.received = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop(server):
    server.shutdown()
    server.server_close()


def send_outbox():
    out, err = StringIO(), StringIO()
    call_command("send_mail_outbox", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_an_smtp_outage_loses_nothing_and_the_mail_goes_when_it_comes_back(
    client, admin_client, settings, smtp_port
):
    settings.MODERATOR_EMAILS = ["mod@example.com"]
    post = make_post(title="The argument")
    down = serve(smtp_port, RefusingHandler)
    try:
        sent = client.post(submit_url(post), form_data(post, author_email="ada@example.com"), follow=True)
        assert "your counterpoint awaits review" in sent.content.decode()
        counterpoint = Counterpoint.objects.get()
        approved = admin_client.post(
            reverse("admin:counterpoints_counterpoint_changelist"),
            {"action": "approve", "_selected_action": [counterpoint.pk]},
            follow=True,
        )
        assert "1 counterpoint was approved." in approved.content.decode()

        assert "2 mail(s) could not be sent; they stay in the outbox" in send_outbox()
    finally:
        stop(down)
    assert list(OutboxMail.objects.values_list("sent_at", "attempts")) == [(None, 1), (None, 1)]

    up = serve(smtp_port, SMTPHandler)
    try:
        assert "Sent" not in send_outbox()  # not due yet: it backs off
        OutboxMail.objects.update(send_after=timezone.now())  # a minute later
        assert "Sent 2 mail(s)." in send_outbox()
        assert send_outbox() == ""  # nothing twice
    finally:
        stop(up)
    assert sorted(message["to"][0] for message in up.received) == ["ada@example.com", "mod@example.com"]
    messages = {m["to"][0]: message_from_string(m["data"], policy=policy.default) for m in up.received}
    moderators = messages["mod@example.com"]
    assert moderators["Subject"].strip() == "[expectedwrong] New counterpoint on “The argument”"
    ada = messages["ada@example.com"]
    assert ada["Subject"].strip() == "[expectedwrong] Your counterpoint on “The argument” is published"
    assert ada["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not OutboxMail.objects.filter(sent_at=None).exists()


def test_a_rolled_back_change_queues_no_mail():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_mail(to=["a@example.com"], subject="Never", body="Never sent.")
        raise RuntimeError
    assert not OutboxMail.objects.exists()


def test_retries_wait_twice_as_long_each_time_up_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_delay(30) == retry_delay(100) == timedelta(hours=1)


def test_a_claimed_mail_is_not_taken_by_a_second_sender(mailoutbox):
    queue_mail(to=["a@example.com"], subject="Once", body="Only once.")
    first = deliver_due()
    second = deliver_due()
    assert (first.sent, second.sent) == (1, 0)
    assert len(mailoutbox) == 1


def test_dry_run_counts_what_is_due_and_sends_nothing(mailoutbox):
    queue_mail(to=["a@example.com"], subject="Due", body="Due now.")
    out = StringIO()
    call_command("send_mail_outbox", "--dry-run", stdout=out)
    assert "1 mail(s) due; nothing sent" in out.getvalue()
    assert mailoutbox == []


def test_sent_mail_older_than_the_keep_days_is_forgotten_unsent_mail_never():
    old_sent = queue_mail(to=["a@example.com"], subject="Old", body="Sent long ago.")
    old_unsent = queue_mail(to=["b@example.com"], subject="Stuck", body="Never went out.")
    recent = queue_mail(to=["c@example.com"], subject="New", body="Sent today.")
    long_ago = timezone.now() - timedelta(days=31)
    OutboxMail.objects.filter(pk=old_sent.pk).update(sent_at=long_ago, created_at=long_ago)
    OutboxMail.objects.filter(pk=old_unsent.pk).update(
        created_at=long_ago, send_after=timezone.now() + timedelta(hours=1)
    )
    OutboxMail.objects.filter(pk=recent.pk).update(sent_at=timezone.now())
    old_given_up = queue_mail(to=["d@example.com"], subject="Refused", body="Given up long ago.")
    recent_given_up = queue_mail(to=["e@example.com"], subject="Refused today", body="Given up today.")
    OutboxMail.objects.filter(pk=old_given_up.pk).update(gave_up_at=long_ago, created_at=long_ago)
    OutboxMail.objects.filter(pk=recent_given_up.pk).update(gave_up_at=timezone.now())

    call_command("send_mail_outbox", stdout=StringIO())

    assert set(OutboxMail.objects.values_list("subject", flat=True)) == {"Stuck", "New", "Refused today"}


class PickySMTPHandler(SMTPHandler):
    """A mail server that refuses one mailbox for good (550) and has another busy (450)."""

    ANSWERS = {
        "nobody@example.com": "550 5.1.1 No such user here",
        "busy@example.com": "450 4.2.1 Mailbox busy",
    }

    def recipient_answer(self, address):
        return self.ANSWERS.get(address, "250 OK")


def test_an_address_the_server_refuses_for_good_is_given_up_and_the_rest_goes(smtp_port, admin_client):
    gone = queue_mail(to=["nobody@example.com"], subject="To nobody", body="No such mailbox.")
    busy = queue_mail(to=["busy@example.com"], subject="To busy", body="Try later.")
    fine = queue_mail(to=["ada@example.com"], subject="To Ada", body="Goes out.")
    server = serve(smtp_port, PickySMTPHandler)
    try:
        output = send_outbox()
        OutboxMail.objects.update(send_after=timezone.now())  # an hour later, say
        again = send_outbox()
    finally:
        stop(server)

    assert "1 mail(s) given up" in output and "1 mail(s) could not be sent" in output
    assert [message["to"] for message in server.received] == [["ada@example.com"]]
    gone.refresh_from_db(), busy.refresh_from_db(), fine.refresh_from_db()
    # Refused for good: marked, with the server's reason, and never tried again.
    assert gone.gave_up_at is not None and gone.attempts == 1 and gone.sent_at is None
    assert "550" in gone.last_error and "No such user" in gone.last_error
    # Busy for now: tried again, and again.
    assert busy.gave_up_at is None and busy.attempts == 2
    assert fine.sent_at is not None
    assert "given up" not in again

    listed = admin_client.get(
        reverse("admin:counterpoints_outboxmail_changelist"), {"gave_up_at__isnull": "False"}
    )
    assert "To nobody" in listed.content.decode() and "To busy" not in listed.content.decode()


def test_a_mail_that_fails_for_two_days_is_given_up(smtp_port):
    from counterpoints.outbox import MAX_ATTEMPTS

    mail = queue_mail(to=["busy@example.com"], subject="Stuck", body="Busy for days.")
    OutboxMail.objects.filter(pk=mail.pk).update(attempts=MAX_ATTEMPTS - 2)
    assert sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS)), timedelta()) > timedelta(days=1, hours=12)
    server = serve(smtp_port, PickySMTPHandler)
    try:
        send_outbox()
        mail.refresh_from_db()
        assert mail.gave_up_at is None and mail.attempts == MAX_ATTEMPTS - 1
        OutboxMail.objects.update(send_after=timezone.now())
        assert "1 mail(s) given up" in send_outbox()
    finally:
        stop(server)
    mail.refresh_from_db()
    assert mail.gave_up_at is not None and mail.attempts == MAX_ATTEMPTS
    assert not OutboxMail.objects.due(timezone.now() + timedelta(days=30)).exists()


def test_the_admin_index_says_how_many_mails_were_given_up_and_links_them(admin_client, client):
    from tests.support.factories import make_user
    from tests.support.html import one, text

    index = reverse("admin:index")
    assert admin_client.get(index).content.decode().count('id="given-up-mail"') == 0
    for n in range(2):
        mail = queue_mail(to=[f"gone{n}@example.com"], subject="Gone", body="No such mailbox.")
        OutboxMail.objects.filter(pk=mail.pk).update(gave_up_at=timezone.now())
    queue_mail(to=["ada@example.com"], subject="Waiting", body="Still to go.")

    notice = one(admin_client.get(index).content.decode(), "#given-up-mail a")
    assert text(notice).startswith("2 mails were given up")
    listed = admin_client.get(notice["href"]).content.decode()
    assert "gone0@example.com" in listed and "gone1@example.com" in listed and "ada@example.com" not in listed

    client.force_login(make_user(staff=True))  # staff who may not see the outbox are not told
    assert 'id="given-up-mail"' not in client.get(index).content.decode()

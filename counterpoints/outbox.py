"""
The mail outbox: every mail the site sends (to moderators, to submitters)
is a row written in the same transaction as the change it tells about,
and ``manage.py send_mail_outbox`` sends it.

So a request never waits on SMTP, a rolled-back change sends nothing, and
an SMTP outage loses nothing: a mail that cannot go out is tried again
later, waiting twice as long after each failure (one minute, two, four…,
at most an hour between attempts), until it goes. It is given up (kept,
marked, never tried again) when the mail server refuses its recipients for
good (a 5xx reply to RCPT TO: no such mailbox), or after MAX_ATTEMPTS
failures, about two days of trying; a temporary refusal (4xx), a server
that is down, or one that refuses the sender or the content (the site's
own configuration, to be fixed) is tried again until then.

Several senders may run at once (a timer and a ``--loop`` process, two
machines): each claims a batch by pushing its next attempt a few minutes
ahead (a lease) before sending, under ``SELECT … FOR UPDATE SKIP LOCKED``
on PostgreSQL, so a mail is not sent twice unless a sender dies between
sending and recording it.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutboxMail

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # longer than any one batch takes to send
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
MAX_ATTEMPTS = 48  # seven within the first hour, then one an hour: about two days (42 hours)


def queue_mail(*, to, subject, body, headers=None):
    """Write one mail to the outbox; it goes out once the caller's transaction commits."""
    return OutboxMail.objects.create(
        to=list(to),
        subject=" ".join(subject.split())[: OutboxMail._meta.get_field("subject").max_length],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers=headers or {},
    )


def prune_sent(*, older_than):
    """Forget mail sent or given up before ``older_than`` (the outbox is not an archive). Returns how many."""
    done = OutboxMail.objects.filter(Q(sent_at__lt=older_than) | Q(gave_up_at__lt=older_than))
    deleted, _ = done.delete()
    return deleted


def retry_delay(attempts):
    """How long to wait after the ``attempts``-th failure: doubling, capped."""
    # The doubling stops once past the cap (a timedelta of 2**40 minutes overflows).
    doublings = min(attempts - 1, (LONGEST_WAIT // FIRST_RETRY).bit_length())
    return min(FIRST_RETRY * 2**doublings, LONGEST_WAIT)


def refused_for_good(error):
    """Whether the server refused every recipient with a permanent (5xx) reply: no retry can help."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in error.recipients.values()
    )


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int
    given_up: int = 0


def _claim(limit, now):
    """Take up to ``limit`` due mails for this sender (a short transaction)."""
    with transaction.atomic():
        due = OutboxMail.objects.due(now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = list(due[:limit])
        OutboxMail.objects.filter(pk__in=[mail.pk for mail in claimed]).update(send_after=now + LEASE)
    return claimed


def deliver_due(*, limit=100):
    """Send what is due, record each outcome; returns how many went and how many failed."""
    claimed = _claim(limit, timezone.now())
    if not claimed:
        return Delivery(sent=0, failed=0)
    sent = failed = given_up = 0
    smtp = get_connection()
    try:
        for mail in claimed:
            message = EmailMessage(
                subject=mail.subject,
                body=mail.body,
                from_email=mail.from_email,
                to=mail.to,
                headers=mail.headers,
                connection=smtp,
            )
            try:
                message.send()
            except Exception as error:
                attempts = mail.attempts + 1
                outcome = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:2000]}
                if refused_for_good(error) or attempts >= MAX_ATTEMPTS:
                    given_up += 1
                    OutboxMail.objects.filter(pk=mail.pk).update(gave_up_at=timezone.now(), **outcome)
                    logger.error("Gave up mail %s after %s attempt(s): %s", mail.pk, attempts, error)
                else:
                    failed += 1
                    send_after = timezone.now() + retry_delay(attempts)
                    OutboxMail.objects.filter(pk=mail.pk).update(send_after=send_after, **outcome)
                    logger.warning("Could not send mail %s (attempt %s): %s", mail.pk, attempts, error)
                smtp.close()  # a broken connection is opened afresh for the next mail
            else:
                sent += 1
                OutboxMail.objects.filter(pk=mail.pk).update(
                    sent_at=timezone.now(), attempts=mail.attempts + 1, last_error=""
                )
    finally:
        smtp.close()
    return Delivery(sent=sent, failed=failed, given_up=given_up)

"""
Mail to the readers who sent counterpoints (issue 7): when theirs is
approved, and when the post they answered gets a verdict.

Only readers who left an address get mail, and every mail carries a working
unsubscribe link: a signed token for the address (no account, nothing to
guess) that opens a page with a button. A GET never unsubscribes, since mail
scanners fetch every link; the one-click POST of RFC 8058
(``List-Unsubscribe-Post``) does. An unsubscribed address gets nothing more.

The senders run after the commit (see services.py); a mail that cannot be
sent is logged, and nothing else depends on it.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.urls import reverse

from blog.markup import plain_text

from .models import Counterpoint, Unsubscribed, normalise_email

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "counterpoints.unsubscribe"


def unsubscribe_token(email):
    """A token naming ``email``, signed so that nobody can make one for another address."""
    return signing.dumps(normalise_email(email), salt=UNSUBSCRIBE_SALT)


def email_from_unsubscribe_token(token):
    """The address a token names, or None if it was not made by us. Tokens never expire."""
    try:
        email = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return email if isinstance(email, str) and email else None


def unsubscribe_url(email):
    return settings.SITE_URL + reverse(
        "counterpoints:unsubscribe", kwargs={"token": unsubscribe_token(email)}
    )


def unsubscribe(*, email):
    """Send ``email`` no more notifications. Saying it twice is fine."""
    Unsubscribed.objects.get_or_create(email=normalise_email(email))


def is_unsubscribed(email):
    return Unsubscribed.objects.filter(email=normalise_email(email)).exists()


def _absolute(path):
    return settings.SITE_URL + path


def _send(*, to, subject, lines):
    """Send one notification with its unsubscribe link; True if it went out."""
    url = unsubscribe_url(to)
    body = [
        *lines,
        "",
        "--",
        f"You get this because you left your e-mail address with a counterpoint on {settings.SITE_NAME}.",
        f"To get no more of these e-mails: {url}",
    ]
    message = EmailMessage(
        subject=" ".join(f"[{settings.SITE_NAME}] {subject}".split()),
        body="\n".join(body),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    try:
        message.send()
    except Exception:
        logger.exception("Could not e-mail a counterpoint notification (%s)", subject)
        return False
    return True


def _by_address(counterpoints):
    """Group counterpoints by normalised address, dropping unsubscribed ones (one query)."""
    grouped = {}
    for counterpoint in counterpoints:
        grouped.setdefault(normalise_email(counterpoint.author_email), []).append(counterpoint)
    unsubscribed = set(Unsubscribed.objects.filter(email__in=grouped).values_list("email", flat=True))
    return {address: theirs for address, theirs in grouped.items() if address not in unsubscribed}


def send_approval_mails(*, counterpoint_ids):
    """Tell each submitter who left an address that their counterpoint is published."""
    approved = (
        Counterpoint.objects.approved()
        .filter(pk__in=counterpoint_ids)
        .exclude(author_email="")
        .select_related("post")
        .order_by("submitted_at", "pk")
    )
    sent = 0
    for theirs in _by_address(approved).values():
        for counterpoint in theirs:
            post = counterpoint.post
            lines = [
                f"Hello {counterpoint.author_name},",
                "",
                f"Your counterpoint on “{post.title}” was approved and is now published under the post:",
                _absolute(counterpoint.get_absolute_url()),
                "",
                "We will e-mail you again when the post gets a hindsight verdict.",
                "",
                "Your private status page for it (keep the link to yourself):",
                _absolute(counterpoint.get_status_url()),
            ]
            sent += _send(
                to=counterpoint.author_email,
                subject=f"Your counterpoint on “{post.title}” is published",
                lines=lines,
            )
    return sent


def send_verdict_mails(*, hindsight):
    """
    Tell every reader with an approved counterpoint on ``hindsight.post``
    (one mail per address) about the new verdict, and whether it credits
    them. Returns how many mails went out.
    """
    post = hindsight.post
    if not post.is_published:
        logger.info("No verdict mail for post %s: it is not published", post.pk)
        return 0
    previous = post.hindsights.exclude(pk=hindsight.pk).filter(decided_at__lte=hindsight.decided_at).first()
    credited = set(hindsight.credited.values_list("pk", flat=True))
    answered = Counterpoint.objects.approved().filter(post=post).exclude(author_email="")
    verdict = hindsight.get_verdict_display()
    headline = f"“{post.title}”, the post you answered, has a hindsight verdict: {verdict}"
    if previous is not None and previous.verdict != hindsight.verdict:
        headline += f" (it was {previous.get_verdict_display()} before)"
    note = plain_text(hindsight.note)
    sent = 0
    for theirs in _by_address(answered.order_by("submitted_at", "pk")).values():
        lines = [f"Hello {theirs[0].author_name},", "", f"{headline}.", ""]
        if note:
            lines += [note, ""]
        if credited.intersection(c.pk for c in theirs):
            lines += ["The verdict credits your counterpoint: you saw this coming.", ""]
        lines += ["Read the verdict:", _absolute(post.get_absolute_url()) + "#verdict", ""]
        lines.append("Your counterpoint:" if len(theirs) == 1 else "Your counterpoints:")
        lines += [_absolute(c.get_absolute_url()) for c in theirs]
        sent += _send(
            to=theirs[0].author_email, subject=f"A verdict on “{post.title}”: {verdict}", lines=lines
        )
    return sent

"""
Mail about counterpoints: to the moderators when one is held, and to the
readers who sent them (issue 7) when theirs is approved and when the post
they answered gets a verdict.

Only readers who left an address get mail, and every mail carries a working
unsubscribe link: a signed token for the address (no account, nothing to
guess) that opens a page with a button. A GET never unsubscribes, since mail
scanners fetch every link; the one-click POST of RFC 8058
(``List-Unsubscribe-Post``) does. An unsubscribed address gets nothing more.

Every mail is queued in the outbox (outbox.py) inside the caller's
transaction: it goes out only if the change commits, and never makes a
request wait on, or fail with, the mail server.
"""

import html
import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Q
from django.urls import reverse

from core.markup import plain_text

from . import trust
from .models import MODERATORS_GROUP, ConfirmedAddress, Counterpoint, Unsubscribed, normalise_email
from .outbox import queue_mail

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "counterpoints.unsubscribe"
HREF = re.compile(r'<a [^>]*href="([^"]+)"')


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


def _queue(*, to, subject, lines):
    """Queue one notification to a reader, with its unsubscribe link. Returns 1."""
    url = unsubscribe_url(to)
    body = [
        *lines,
        "",
        "--",
        f"You get this because you left your e-mail address with a counterpoint on {settings.SITE_NAME}.",
        f"To get no more of these e-mails: {url}",
    ]
    queue_mail(
        to=[to],
        subject=f"[{settings.SITE_NAME}] {subject}",
        body="\n".join(body),
        headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    return 1


def moderator_addresses():
    """
    Who hears of a new counterpoint: the active staff members of the
    Moderators group who have an address, and MODERATOR_EMAILS; each
    mailbox once.
    """
    staff = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=MODERATORS_GROUP)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    addresses = {}
    for address in [*settings.MODERATOR_EMAILS, *staff]:
        addresses.setdefault(normalise_email(address), address.strip())
    return list(addresses.values())


def mail_moderators(*, counterpoint):
    """
    Queue a mail to the moderators about a new counterpoint held for review,
    unless they asked for a daily digest instead (MODERATOR_DIGEST, see
    mail_moderator_digest).
    """
    if settings.MODERATOR_DIGEST:
        return 0
    recipients = moderator_addresses()
    if not recipients:
        logger.warning(
            "No moderator has an e-mail address (Moderators group, MODERATOR_EMAILS): "
            "nobody was told about counterpoint %s",
            counterpoint.pk,
        )
        return 0
    post = counterpoint.post
    review_url = _absolute(reverse("admin:counterpoints_counterpoint_change", args=[counterpoint.pk]))
    lines = [
        f"{counterpoint.author_name} {counterpoint.get_stance_display()} on “{post.title}”:",
        _absolute(post.get_absolute_url()),
        "",
    ]
    # The reader's words are quoted, each on a "> " line of its own, so no
    # text they send can pass for a line of ours.
    if counterpoint.quote:
        lines += ["Quoting:", f"> {' '.join(counterpoint.quote.split())}", ""]
    # Plain words (one line, quoted), and where its links point (the plain words hide that).
    lines += [f"> {counterpoint.text}", ""]
    links = list(dict.fromkeys(html.unescape(href) for href in HREF.findall(counterpoint.body_html)))
    if links:
        lines += ["Links in it:", *links, ""]
    if counterpoint.published_without_review:
        lines += [
            "It is published already: its sender is a trusted returning submitter. Review it after the fact, "
            "or revoke the trust:",
        ]
    else:
        lines.append("It waits for review and is not public yet. Approve, reject or mark it as spam:")
    lines.append(review_url)
    queue_mail(
        to=recipients,
        subject=f"[{settings.SITE_NAME}] New counterpoint on “{post.title}”",
        body="\n".join(lines),
    )
    return 1


def _by_address(counterpoints):
    """Group counterpoints by normalised address, dropping unsubscribed ones (one query)."""
    grouped = {}
    for counterpoint in counterpoints:
        grouped.setdefault(normalise_email(counterpoint.author_email), []).append(counterpoint)
    unsubscribed = set(Unsubscribed.objects.filter(email__in=grouped).values_list("email", flat=True))
    return {address: theirs for address, theirs in grouped.items() if address not in unsubscribed}


def mail_moderator_digest(*, since):
    """
    One mail to the moderators instead of one per counterpoint: how many
    wait, and those that came in after ``since`` (held ones, and any
    published without review), each with its link. Nothing when nothing
    came in. Returns how many mails were queued (0 or 1).
    """
    recipients = moderator_addresses()
    arrived = list(
        Counterpoint.objects.filter(submitted_at__gt=since)
        .filter(Q(status=Counterpoint.Status.PENDING) | Q(published_without_review=True))
        .select_related("post")
        .order_by("submitted_at", "pk")
    )
    if not recipients or not arrived:
        return 0
    waiting = Counterpoint.objects.pending().count()
    lines = [
        f"{waiting} counterpoint(s) wait for review:",
        _absolute(reverse("admin:counterpoints_counterpoint_changelist")),
        "",
    ]
    lines.append(f"New since {since:%Y-%m-%d %H:%M} UTC:")
    for counterpoint in arrived:
        state = "published without review" if counterpoint.published_without_review else "waiting"
        who = f"{counterpoint.author_name} {counterpoint.get_stance_display()}"
        lines += [
            "",
            f"{who} on “{counterpoint.post.title}” ({state}):",
            f"“{counterpoint.excerpt}”",
            _absolute(reverse("admin:counterpoints_counterpoint_change", args=[counterpoint.pk])),
        ]
    queue_mail(
        to=recipients,
        subject=f"[{settings.SITE_NAME}] {len(arrived)} new counterpoint(s), {waiting} waiting",
        body="\n".join(lines),
    )
    return 1


def mail_approval(*, counterpoint_ids):
    """Tell each submitter who left an address that their counterpoint is published."""
    approved = (
        Counterpoint.objects.approved()
        .filter(pk__in=counterpoint_ids)
        .exclude(author_email="")
        .select_related("post")
        .order_by("submitted_at", "pk")
    )
    sent = 0
    by_address = _by_address(approved)
    confirmed = set(ConfirmedAddress.objects.filter(email__in=by_address).values_list("email", flat=True))
    for address, theirs in by_address.items():
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
            if address not in confirmed:
                # Confirming is what lets a returning reader be trusted (trust.py).
                lines += [
                    "",
                    "Is this your address? Confirm it once, so that your later counterpoints can be "
                    "published sooner:",
                    trust.confirmation_url(address),
                ]
            sent += _queue(
                to=counterpoint.author_email,
                subject=f"Your counterpoint on “{post.title}” is published",
                lines=lines,
            )
    return sent


def mail_rejection(*, counterpoint_ids):
    """
    Tell each submitter who left an address that their counterpoint is not
    published, and why: the reason and the moderator's note. Spam gets no
    mail (a spammer learns nothing from us).
    """
    rejected = (
        Counterpoint.objects.filter(pk__in=counterpoint_ids, status=Counterpoint.Status.REJECTED)
        .exclude(author_email="")
        .select_related("post")
        .order_by("submitted_at", "pk")
    )
    queued = 0
    for theirs in _by_address(rejected).values():
        for counterpoint in theirs:
            post = counterpoint.post
            lines = [
                f"Hello {counterpoint.author_name},",
                "",
                f"Your counterpoint on “{post.title}” was read by a moderator and will not be published.",
                "",
            ]
            if counterpoint.rejection_reason:
                lines += [
                    f"The reason: {counterpoint.get_rejection_reason_display()}. "
                    f"{counterpoint.rejection_reason_text}",
                    "",
                ]
            if counterpoint.rejection_note:
                lines += ["The moderator’s note:", counterpoint.rejection_note, ""]
            lines += [
                "You are welcome to send another one that answers the post.",
                "",
                "Your private status page for it (keep the link to yourself):",
                _absolute(counterpoint.get_status_url()),
            ]
            queued += _queue(
                to=counterpoint.author_email,
                subject=f"Your counterpoint on “{post.title}” is not published",
                lines=lines,
            )
    return queued


def mail_answer(*, counterpoint):
    """Tell the submitter of an approved counterpoint that the author answered it."""
    if not counterpoint.author_email or is_unsubscribed(counterpoint.author_email):
        return 0
    post = counterpoint.post
    lines = [
        f"Hello {counterpoint.author_name},",
        "",
        f"The author of “{post.title}” answered your counterpoint:",
        f"“{counterpoint.excerpt}”",
    ]
    if counterpoint.response:
        lines += ["", f"Their response: {counterpoint.get_response_display()}."]
    if counterpoint.author_reply:
        lines += ["", "Their reply:", plain_text(counterpoint.author_reply)]
    lines += ["", "Read it under the post:", _absolute(counterpoint.get_absolute_url())]
    return _queue(
        to=counterpoint.author_email,
        subject=f"The author answered your counterpoint on “{post.title}”",
        lines=lines,
    )


def mail_verdict(*, hindsight):
    """
    Tell every reader with an approved counterpoint on ``hindsight.post``
    (one mail per address) about the new verdict, and whether it credits
    them. Returns how many mails were queued.
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
        sent += _queue(
            to=theirs[0].author_email, subject=f"A verdict on “{post.title}”: {verdict}", lines=lines
        )
    return sent

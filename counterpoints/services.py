"""
Counterpoint workflows, called by the view, the admin and the tests alike.

submit_counterpoint: check the post is open, store the counterpoint once,
tell the moderators after the commit. moderate_counterpoints: set a batch's
status, stamp who and when, and announce it so cached pages can refresh.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .models import Counterpoint, body_fingerprint
from .signals import announce_change

logger = logging.getLogger(__name__)


class CounterpointsClosed(Exception):
    """The post takes no new counterpoints."""


@dataclass(frozen=True)
class Submission:
    counterpoint: Counterpoint
    created: bool


def submit_counterpoint(
    *,
    post,
    stance,
    author_name,
    body,
    author_email="",
    author_website="",
    quote="",
    ip_address=None,
    user_agent="",
):
    """
    Hold a reader's counterpoint for review and e-mail the moderators.

    The same body sent twice to the same post is stored once: the second
    call returns the first row with ``created=False`` and sends no mail.
    """
    if not post.counterpoints_open:
        raise CounterpointsClosed(post)
    counterpoint = Counterpoint(
        post=post,
        stance=stance,
        author_name=author_name,
        author_email=author_email,
        author_website=author_website,
        quote=quote,
        body=body,
        ip_address=ip_address,
        user_agent=(user_agent or "")[: Counterpoint._meta.get_field("user_agent").max_length],
    )
    # Markdown is rendered before the transaction: SQLite holds its write
    # lock for as long as the transaction lasts.
    counterpoint.render()
    try:
        with transaction.atomic():
            counterpoint.save()
            transaction.on_commit(lambda: notify_moderators(counterpoint=counterpoint))
    except IntegrityError:
        # The unique (post, body_hash) constraint, also under a race.
        existing = Counterpoint.objects.filter(post=post, body_hash=body_fingerprint(body)).first()
        if existing is None:
            raise
        return Submission(counterpoint=existing, created=False)
    return Submission(counterpoint=counterpoint, created=True)


def notify_moderators(*, counterpoint):
    """E-mail MODERATOR_EMAILS a new counterpoint; a mail failure never loses it."""
    recipients = settings.MODERATOR_EMAILS
    if not recipients:
        logger.warning("MODERATOR_EMAILS is empty: nobody was told about counterpoint %s", counterpoint.pk)
        return
    post = counterpoint.post
    review_url = settings.SITE_URL + reverse(
        "admin:counterpoints_counterpoint_change", args=[counterpoint.pk]
    )
    subject = f"[{settings.SITE_NAME}] New counterpoint on “{post.title}”"
    lines = [
        f"{counterpoint.author_name} {counterpoint.get_stance_display()} on “{post.title}”:",
        settings.SITE_URL + post.get_absolute_url(),
        "",
    ]
    if counterpoint.quote:
        lines += [f"Quoting: “{' '.join(counterpoint.quote.split())}”", ""]
    lines += [
        counterpoint.excerpt,
        "",
        "It waits for review and is not public yet. Approve, reject or mark it as spam:",
        review_url,
    ]
    try:
        send_mail(
            " ".join(subject.split()),
            "\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    except Exception:
        logger.exception("Could not e-mail the moderators about counterpoint %s", counterpoint.pk)


def moderate_counterpoints(*, counterpoints, status, by):
    """
    Give every counterpoint in the queryset ``status``, stamped with the
    moderator and the time. Rows that already have it are left alone (their
    audit trail stays true). Returns how many changed.
    """
    if status not in Counterpoint.Status.values:
        raise ValueError(f"Unknown counterpoint status: {status!r}")
    with transaction.atomic():
        changing = Counterpoint.objects.filter(pk__in=counterpoints.values("pk")).exclude(status=status)
        post_ids = set(changing.values_list("post_id", flat=True))
        count = changing.update(status=status, reviewed_by=by, reviewed_at=timezone.now())
        if count:
            announce_change(post_ids=post_ids)
    return count

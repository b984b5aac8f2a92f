"""
Counterpoint workflows, called by the view, the admin and the tests alike.

submit_counterpoint: check the post is open, store the counterpoint once,
tell the moderators after the commit. moderate_counterpoints: set a batch's
status, stamp who and when, and announce it so cached pages can refresh;
approved ones tell their submitters. announce_verdict: a new verdict on a
post tells the readers whose approved counterpoints answered it. Mail to
readers (notifications.py) goes out after the commit and never loses data.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from . import notifications
from .models import NOT_PUBLISHED, Counterpoint, RejectionReason, token_fingerprint
from .signals import announce_change

logger = logging.getLogger(__name__)


class CounterpointsClosed(Exception):
    """The post takes no new counterpoints."""


class FormAlreadySent(Exception):
    """The signed form was already spent on a different counterpoint."""


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
    form_token="",
):
    """
    Hold a reader's counterpoint for review and e-mail the moderators.

    Every submission is answered alike, so the answer tells nobody what
    others have sent:

    - the same form sent twice (a double click: same ``form_token``, same
      text) returns the first row with ``created=False``; its sender already
      holds its status link;
    - a text this post already has (give or take case, spacing and invisible
      characters), sent from another form, is stored as its own row, marked
      as a duplicate (spam, never public, no mail), with its own status link;
    - a form token spent on a different text raises FormAlreadySent.
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
        form_token_hash=token_fingerprint(form_token),
    )
    # Markdown is rendered before the transaction: SQLite holds its write
    # lock for as long as the transaction lasts.
    counterpoint.render()
    for _attempt in range(2):
        same_text = Counterpoint.objects.filter(post=post, body_hash=counterpoint.body_hash)
        if counterpoint.form_token_hash:
            earlier = Counterpoint.objects.filter(form_token_hash=counterpoint.form_token_hash).first()
            if earlier is not None:
                if earlier.post_id == post.pk and earlier.body_hash == counterpoint.body_hash:
                    return Submission(counterpoint=earlier, created=False)
                raise FormAlreadySent(post)
        if same_text.exclude(status=Counterpoint.Status.SPAM).exists():
            counterpoint.status = Counterpoint.Status.SPAM
            counterpoint.rejection_reason = RejectionReason.DUPLICATE
            counterpoint.reviewed_at = timezone.now()
        try:
            with transaction.atomic():
                counterpoint.save()
                if counterpoint.status == Counterpoint.Status.PENDING:
                    transaction.on_commit(lambda: notify_moderators(counterpoint=counterpoint))
        except IntegrityError:
            # A race with the same text or the same form: look again.
            counterpoint.pk = None
            continue
        return Submission(counterpoint=counterpoint, created=True)
    raise IntegrityError("Could not store the counterpoint after a retry")


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
    # The reader's words are quoted, each on a "> " line of its own, so no
    # text they send can pass for a line of ours.
    if counterpoint.quote:
        lines += ["Quoting:", f"> {' '.join(counterpoint.quote.split())}", ""]
    lines += [
        f"> {counterpoint.excerpt}",
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


def moderate_counterpoints(*, counterpoints, status, by, reason=None):
    """
    Give every counterpoint in the queryset ``status``, stamped with the
    moderator and the time. Rows that already have it are left alone (their
    audit trail stays true). Returns how many changed.

    ``reason`` (a RejectionReason, with a rejected or spam status) is what
    the submitter's status page tells them; then rows are left alone only if
    they already have both. Submitters of newly approved counterpoints who
    left an address are e-mailed after the commit.
    """
    if status not in Counterpoint.Status.values:
        raise ValueError(f"Unknown counterpoint status: {status!r}")
    if reason is not None and (reason not in RejectionReason.values or status not in NOT_PUBLISHED):
        raise ValueError(f"A reason ({reason!r}) goes with a rejected or spam status only, not {status!r}")
    unchanged = {"status": status} if reason is None else {"status": status, "rejection_reason": reason}
    with transaction.atomic():
        changing = Counterpoint.objects.filter(pk__in=counterpoints.values("pk")).exclude(**unchanged)
        rows = list(changing.values_list("pk", "post_id"))
        count = Counterpoint.objects.filter(pk__in=[pk for pk, _ in rows]).update(
            status=status, reviewed_by=by, reviewed_at=timezone.now(), rejection_reason=reason or ""
        )
        if count:
            announce_change(post_ids={post_id for _, post_id in rows})
        if count and status == Counterpoint.Status.APPROVED:
            notify_approval(counterpoint_ids=[pk for pk, _ in rows])
    return count


def notify_approval(*, counterpoint_ids):
    """After the commit, e-mail the submitters of these (now approved) counterpoints."""
    ids = list(counterpoint_ids)
    transaction.on_commit(lambda: notifications.send_approval_mails(counterpoint_ids=ids), robust=True)


def announce_verdict(*, hindsight):
    """
    A new verdict on a post: after the commit, e-mail every reader with an
    approved counterpoint on it (once per address, unless unsubscribed).
    Called where verdicts are made (the post's admin page, the verdicts
    admin), not by a signal: the seed loader adds verdicts without mail.
    """
    transaction.on_commit(lambda: notifications.send_verdict_mails(hindsight=hindsight), robust=True)

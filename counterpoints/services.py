"""
Counterpoint workflows, called by the view, the admin and the tests alike.

submit_counterpoint: check the post is open, store the counterpoint once,
tell the moderators. moderate_counterpoints: set a batch's status, stamp
who and when, log it in the admin's history, and announce it so cached
pages can refresh; approved ones tell their submitters. mail_verdict_to_readers:
a new verdict on a post tells the readers whose approved counterpoints
answered it. Mail (notifications.py) is queued in the outbox in the same
transaction as the change and sent by ``manage.py send_mail_outbox``.
"""

import logging
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.services import record_forecast
from core.caching import Scope
from core.freshness import refresh_after_commit

from . import blocklist, notifications, trust
from .models import (
    NOT_PUBLISHED,
    BlockedPattern,
    Counterpoint,
    RejectionReason,
    can_respond_as_author,
    token_fingerprint,
)
from .signals import counterpoints_changed

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
    joins_record=False,
    record_name="",
    claim=None,
    probability=None,
):
    """
    Hold a reader's counterpoint for review and e-mail the moderators; hold
    it as spam, silently, if it matches the blocklist (blocklist.py); publish
    it at once if its submitter is trusted and the site says so (trust.py).
    The ``claim`` of the post it answers, if any, and the reader's
    ``probability`` for it are stored with it, in the same transaction.

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
        # Only an ask: trust.join_record honours it once the address is confirmed.
        joins_record=bool(joins_record and author_email),
        record_name=(record_name or author_name) if joins_record and author_email else "",
    )
    # A blocklisted submission is spam at once, told nothing different, and
    # never mailed to the moderators (blocklist.py).
    blocked = blocklist.find_match(
        author_email=author_email,
        ip_address=ip_address,
        author_name=author_name,
        author_website=author_website,
        body=body,
    )
    if blocked is not None:
        counterpoint.status = Counterpoint.Status.SPAM
        counterpoint.blocklisted, counterpoint.blocked_by = True, blocked
    elif trust.is_trusted(author_email):
        counterpoint.status = Counterpoint.Status.APPROVED
        counterpoint.published_without_review = True
        counterpoint.reviewed_at = timezone.now()
    # Markdown is rendered before the transaction: SQLite holds its write
    # lock for as long as the transaction lasts.
    counterpoint.render()
    for _attempt in range(2):
        if counterpoint.form_token_hash:
            earlier = Counterpoint.objects.filter(form_token_hash=counterpoint.form_token_hash).first()
            if earlier is not None:
                if earlier.post_id == post.pk and earlier.body_hash == counterpoint.body_hash:
                    return Submission(counterpoint=earlier, created=False)
                raise FormAlreadySent(post)
        same_text = Counterpoint.objects.filter(post=post, body_hash=counterpoint.body_hash)
        if blocked is None and same_text.exclude(status=Counterpoint.Status.SPAM).exists():
            counterpoint.status = Counterpoint.Status.SPAM
            counterpoint.rejection_reason = RejectionReason.DUPLICATE
            counterpoint.published_without_review = False
            counterpoint.reviewed_at = timezone.now()
        try:
            with transaction.atomic():
                counterpoint.save()
                record_forecast(counterpoint=counterpoint, claim=claim, probability=probability)
                if blocked is not None:
                    blocklist.count_hit(blocked)
                elif counterpoint.status != Counterpoint.Status.SPAM:
                    notifications.mail_moderators(counterpoint=counterpoint)
                if counterpoint.published_without_review:
                    refresh_after_moderation(post_ids={post.pk})
        except IntegrityError:
            # A race with the same text or the same form: look again.
            counterpoint.pk = None
            continue
        return Submission(counterpoint=counterpoint, created=True)
    raise IntegrityError("Could not store the counterpoint after a retry")


# What each act says in the admin's history of the counterpoint.
MODERATION_LOG = {
    Counterpoint.Status.PENDING: _("Put back in the review queue."),
    Counterpoint.Status.APPROVED: _("Approved."),
    Counterpoint.Status.REJECTED: _("Rejected."),
    Counterpoint.Status.SPAM: _("Marked as spam."),
}


def refresh_after_moderation(*, post_ids):
    """
    After the commit, refresh these posts' pages and search documents, and
    tell ``counterpoints_changed`` listeners (signals.py) their counterpoints changed.
    """
    post_ids = set(post_ids)
    # A counterpoint shows on its own post's page, never on another's.
    refresh_after_commit(post_ids=post_ids, scope=Scope.RESPONSES)
    transaction.on_commit(lambda: counterpoints_changed.send(sender=Counterpoint, post_ids=post_ids))


def moderate_counterpoint(counterpoint, status, *, by):
    """``moderate_counterpoints`` for one counterpoint, which then shows its new status."""
    one = Counterpoint.objects.filter(pk=counterpoint.pk)
    moderate_counterpoints(counterpoints=one, status=status, by=by)
    counterpoint.refresh_from_db(
        fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "rejection_note"]
    )


def moderate_counterpoints(*, counterpoints, status, by, reason=None, note=""):
    """
    Give every counterpoint in the queryset ``status``, stamped with the
    moderator and the time. Rows that already have it are left alone (their
    audit trail stays true). Returns how many changed.

    This is the only code that changes a counterpoint's status: the admin's
    bulk actions, its change form and ``moderate_counterpoint`` for one row
    all come here, so every path stamps, logs, refreshes and mails alike.
    Each changed row gets an admin ``LogEntry`` (its "History" page says who
    did what), the changed posts are announced for the page cache, and
    submitters who left an address hear of an approval or a rejection (not
    of spam) by mail queued in the same transaction.

    ``reason`` (a RejectionReason) and ``note`` (free text, in the
    moderator's words) go with a rejected or spam status: the submitter's
    status page and mail tell them. Rows are left alone only if they
    already have the status and whichever of the two is given.
    """
    if status not in Counterpoint.Status.values:
        raise ValueError(f"Unknown counterpoint status: {status!r}")
    if reason is not None and (reason not in RejectionReason.values or status not in NOT_PUBLISHED):
        raise ValueError(f"A reason ({reason!r}) goes with a rejected or spam status only, not {status!r}")
    note = (note or "").strip()
    if note and status not in NOT_PUBLISHED:
        raise ValueError(f"A note to the submitter goes with a rejected or spam status only, not {status!r}")
    unchanged = {"status": status}
    if reason is not None:
        unchanged["rejection_reason"] = reason
    if note:
        unchanged["rejection_note"] = note
    with transaction.atomic():
        changing = list(
            Counterpoint.objects.filter(pk__in=counterpoints.values("pk"))
            .exclude(**unchanged)
            .select_for_update()
            .only("pk", "post_id", "author_name", "stance", "body")
        )
        ids = [counterpoint.pk for counterpoint in changing]
        count = Counterpoint.objects.filter(pk__in=ids).update(
            status=status,
            reviewed_by=by,
            reviewed_at=timezone.now(),
            rejection_reason=reason or "",
            rejection_note=note,
        )
        if not count:
            return 0
        _log_moderation(changing, status=status, reason=reason, by=by)
        refresh_after_moderation(post_ids={counterpoint.post_id for counterpoint in changing})
        if status == Counterpoint.Status.APPROVED:
            notifications.mail_approval(counterpoint_ids=ids)
        elif status == Counterpoint.Status.REJECTED:
            notifications.mail_rejection(counterpoint_ids=ids)
    return count


def _log_moderation(counterpoints, *, status, reason, by):
    """One admin LogEntry per changed counterpoint, in one INSERT."""
    if by is None:
        return  # a system act (a data migration, a script): no user to name
    message = str(MODERATION_LOG[status])
    if reason:
        message = f"{message[:-1]} ({RejectionReason(reason).label})."
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=counterpoints, action_flag=CHANGE, change_message=message
    )


def answer_counterpoint(*, counterpoint, response, reply, by):
    """
    The author's answer to a counterpoint: the response badge and the public
    reply. Only the post's author or a user with the ``respond_as_author``
    permission may answer (PermissionDenied otherwise). The change is logged
    in the admin's history, announced for the page cache, and the submitter
    of an approved counterpoint is told by mail when there is something new
    to read. Returns whether anything changed.
    """
    if not can_respond_as_author(by, counterpoint.post):
        raise PermissionDenied(gettext("Only the post's author answers its counterpoints."))
    response, reply = response or "", (reply or "").strip()
    if (response, reply) == (counterpoint.response, counterpoint.author_reply.strip()):
        return False
    tell = bool(response and response != counterpoint.response) or bool(
        reply and reply != counterpoint.author_reply.strip()
    )
    counterpoint.response, counterpoint.author_reply = response, reply
    counterpoint.render()  # before the transaction, as on submission
    with transaction.atomic():
        counterpoint.save(update_fields=["response", "author_reply", "reply_html"])
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[counterpoint],
            action_flag=CHANGE,
            change_message=gettext("Answered as the author."),
            single_object=True,
        )
        refresh_after_moderation(post_ids={counterpoint.post_id})
        if tell and counterpoint.status == Counterpoint.Status.APPROVED:
            notifications.mail_answer(counterpoint=counterpoint)
    return True


def ban_submitters(*, counterpoints, by):
    """
    "Ban submitter and mark spam": block the e-mail address and the IP
    address of each counterpoint's submitter (existing entries are kept)
    and mark the counterpoints as spam, in one transaction. Returns how
    many blocklist entries were created and how many counterpoints marked.
    """
    created = 0
    with transaction.atomic():
        for counterpoint in counterpoints.select_related(None).only("pk", "author_email", "ip_address"):
            for kind, value in blocklist.entries_for_submitter(counterpoint):
                _, new = BlockedPattern.objects.get_or_create(
                    kind=kind,
                    value=value,
                    defaults={
                        "created_by": by,
                        "note": gettext("Banned from counterpoint %(pk)s.") % {"pk": counterpoint.pk},
                    },
                )
                created += new
        marked = moderate_counterpoints(counterpoints=counterpoints, status=Counterpoint.Status.SPAM, by=by)
    return created, marked


def mail_verdict_to_readers(*, hindsight):
    """
    A new verdict on a post, its credits saved: e-mail every reader with an
    approved counterpoint on it (once per address, unless unsubscribed), in
    the caller's transaction. Called where verdicts are made (the post's
    admin page, the verdicts admin), not by a signal: the seed loader adds
    verdicts without mail.
    """
    notifications.mail_verdict(hindsight=hindsight)

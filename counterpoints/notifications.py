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

import functools
import html
import logging
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.markup import plain_text

from . import trust
from .models import MODERATORS_GROUP, ConfirmedAddress, Counterpoint, Unsubscribed, normalise_email
from .outbox import queue_mail

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "counterpoints.unsubscribe"
HREF = re.compile(r'<a [^>]*href="([^"]+)"')


def in_site_language(mail_function):
    """
    Write the mail in the site's language (LANGUAGE_CODE), whichever reader's
    request or command queues it: a moderator's mail must not come out in the
    language of the submitter's browser.
    """

    @functools.wraps(mail_function)
    def in_language(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return mail_function(*args, **kwargs)

    return in_language


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
        _("You get this because you left your e-mail address with a counterpoint on %(site)s.")
        % {"site": settings.SITE_NAME},
        _("To get no more of these e-mails: %(url)s") % {"url": url},
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


@in_site_language
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
        _("%(name)s %(stance)s on “%(title)s”:")
        % {
            "name": counterpoint.author_name,
            "stance": counterpoint.get_stance_display(),
            "title": post.title,
        },
        _absolute(post.get_absolute_url()),
        "",
    ]
    # The reader's words are quoted, each on a "> " line of its own, so no
    # text they send can pass for a line of ours.
    if counterpoint.quote:
        lines += [_("Quoting:"), f"> {' '.join(counterpoint.quote.split())}", ""]
    # Plain words (one line, quoted), and where its links point (the plain words hide that).
    lines += [f"> {counterpoint.text}", ""]
    links = list(dict.fromkeys(html.unescape(href) for href in HREF.findall(counterpoint.body_html)))
    if links:
        lines += [_("Links in it:"), *links, ""]
    if counterpoint.published_without_review:
        lines += [
            _(
                "It is published already: its sender is a trusted returning submitter. Review it after the "
                "fact, or revoke the trust:"
            ),
        ]
    else:
        lines.append(_("It waits for review and is not public yet. Approve, reject or mark it as spam:"))
    lines.append(review_url)
    queue_mail(
        to=recipients,
        subject=f"[{settings.SITE_NAME}] " + _("New counterpoint on “%(title)s”") % {"title": post.title},
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


@in_site_language
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
        _("%(count)d counterpoint(s) wait for review:") % {"count": waiting},
        _absolute(reverse("admin:counterpoints_counterpoint_changelist")),
        "",
    ]
    lines.append(_("New since %(since)s UTC:") % {"since": f"{since:%Y-%m-%d %H:%M}"})
    for counterpoint in arrived:
        state = _("published without review") if counterpoint.published_without_review else _("waiting")
        lines += [
            "",
            _("%(name)s %(stance)s on “%(title)s” (%(state)s):")
            % {
                "name": counterpoint.author_name,
                "stance": counterpoint.get_stance_display(),
                "title": counterpoint.post.title,
                "state": state,
            },
            f"“{counterpoint.excerpt}”",
            _absolute(reverse("admin:counterpoints_counterpoint_change", args=[counterpoint.pk])),
        ]
    queue_mail(
        to=recipients,
        subject=f"[{settings.SITE_NAME}] "
        + _("%(new)d new counterpoint(s), %(waiting)d waiting") % {"new": len(arrived), "waiting": waiting},
        body="\n".join(lines),
    )
    return 1


@in_site_language
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
    confirmed, listed = set(), set()
    for email, since in ConfirmedAddress.objects.filter(email__in=by_address).values_list(
        "email", "in_record_since"
    ):
        confirmed.add(email)
        if since is not None:
            listed.add(email)
    for address, theirs in by_address.items():
        for counterpoint in theirs:
            post = counterpoint.post
            lines = [
                _("Hello %(name)s,") % {"name": counterpoint.author_name},
                "",
                _("Your counterpoint on “%(title)s” was approved and is now published under the post:")
                % {"title": post.title},
                _absolute(counterpoint.get_absolute_url()),
                "",
                _("We will e-mail you again when the post gets a hindsight verdict."),
                "",
                _("Your private status page for it (keep the link to yourself):"),
                _absolute(counterpoint.get_status_url()),
            ]
            if address not in confirmed:
                # Confirming is what lets a returning reader be trusted (trust.py).
                lines += [
                    "",
                    (
                        _(
                            "Is this your address? Confirm it once, so that your later counterpoints can be "
                            "published sooner and, as you asked, your forecasts join the public readers' "
                            "record:"
                        )
                        if counterpoint.joins_record
                        else _(
                            "Is this your address? Confirm it once, so that your later counterpoints can be "
                            "published sooner:"
                        )
                    ),
                    trust.confirmation_url(address),
                ]
            elif counterpoint.joins_record and address not in listed:
                # The readers' record needs the owner's yes, through the same link (trust.py).
                lines += [
                    "",
                    _(
                        "You asked to list your forecasts in the public readers' record as “%(name)s”. "
                        "Say yes here (or ignore this mail to stay unlisted):"
                    )
                    % {"name": counterpoint.record_name},
                    trust.confirmation_url(address),
                ]
            sent += _queue(
                to=counterpoint.author_email,
                subject=_("Your counterpoint on “%(title)s” is published") % {"title": post.title},
                lines=lines,
            )
    return sent


@in_site_language
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
                _("Hello %(name)s,") % {"name": counterpoint.author_name},
                "",
                _("Your counterpoint on “%(title)s” was read by a moderator and will not be published.")
                % {"title": post.title},
                "",
            ]
            if counterpoint.rejection_reason:
                lines += [
                    _("The reason: %(reason)s. %(explanation)s")
                    % {
                        "reason": counterpoint.get_rejection_reason_display(),
                        "explanation": counterpoint.rejection_reason_text,
                    },
                    "",
                ]
            if counterpoint.rejection_note:
                lines += [_("The moderator’s note:"), counterpoint.rejection_note, ""]
            lines += [
                _("You are welcome to send another one that answers the post."),
                "",
                _("Your private status page for it (keep the link to yourself):"),
                _absolute(counterpoint.get_status_url()),
            ]
            queued += _queue(
                to=counterpoint.author_email,
                subject=_("Your counterpoint on “%(title)s” is not published") % {"title": post.title},
                lines=lines,
            )
    return queued


@in_site_language
def mail_answer(*, counterpoint):
    """Tell the submitter of an approved counterpoint that the author answered it."""
    if not counterpoint.author_email or is_unsubscribed(counterpoint.author_email):
        return 0
    post = counterpoint.post
    lines = [
        _("Hello %(name)s,") % {"name": counterpoint.author_name},
        "",
        _("The author of “%(title)s” answered your counterpoint:") % {"title": post.title},
        f"“{counterpoint.excerpt}”",
    ]
    if counterpoint.response:
        lines += ["", _("Their response: %(response)s.") % {"response": counterpoint.get_response_display()}]
    if counterpoint.author_reply:
        lines += ["", _("Their reply:"), plain_text(counterpoint.author_reply)]
    lines += ["", _("Read it under the post:"), _absolute(counterpoint.get_absolute_url())]
    return _queue(
        to=counterpoint.author_email,
        subject=_("The author answered your counterpoint on “%(title)s”") % {"title": post.title},
        lines=lines,
    )


@in_site_language
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
    if previous is not None and previous.verdict != hindsight.verdict:
        headline = _(
            "“%(title)s”, the post you answered, has a hindsight verdict: %(verdict)s "
            "(it was %(previous)s before)"
        ) % {"title": post.title, "verdict": verdict, "previous": previous.get_verdict_display()}
    else:
        headline = _("“%(title)s”, the post you answered, has a hindsight verdict: %(verdict)s") % {
            "title": post.title,
            "verdict": verdict,
        }
    note = plain_text(hindsight.note)
    sent = 0
    for theirs in _by_address(answered.order_by("submitted_at", "pk")).values():
        lines = [_("Hello %(name)s,") % {"name": theirs[0].author_name}, "", f"{headline}.", ""]
        if note:
            lines += [note, ""]
        if credited.intersection(c.pk for c in theirs):
            lines += [_("The verdict credits your counterpoint: you saw this coming."), ""]
        lines += [_("Read the verdict:"), _absolute(post.get_absolute_url()) + "#verdict", ""]
        lines.append(ngettext("Your counterpoint:", "Your counterpoints:", len(theirs)))
        lines += [_absolute(c.get_absolute_url()) for c in theirs]
        sent += _queue(
            to=theirs[0].author_email,
            subject=_("A verdict on “%(title)s”: %(verdict)s") % {"title": post.title, "verdict": verdict},
            lines=lines,
        )
    return sent

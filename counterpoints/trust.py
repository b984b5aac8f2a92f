"""
Trusted returning submitters (issue 13).

A reader who leaves an e-mail address can confirm it once, through a signed
link in the mail that tells them their counterpoint is published. Once the
address is confirmed, has ``COUNTERPOINT_TRUST_AFTER`` approved
counterpoints (3 by default) and none marked as spam, and a moderator has
not revoked its trust, its next counterpoints are published at once, if
``COUNTERPOINT_PUBLISH_TRUSTED`` is on (off by default). They are still
listed in the admin ("published without review") for review after the
fact, where one action revokes the trust. Readers who give no address are
held as before.

The address a reader types is not proof of who they are; the confirmation
is, together with the history: someone who types a trusted reader's address
without owning it has not confirmed it, but the confirmation belongs to the
address, so a forged address would be trusted. That is why the setting is
off by default and every such counterpoint stays listed for review.
"""

from django.conf import settings
from django.core import signing
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.freshness import refresh_after_commit

from .models import NOT_PUBLISHED, ConfirmedAddress, Counterpoint, normalise_email

CONFIRM_SALT = "counterpoints.confirm-address"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 30  # a month to click it


def confirmation_url(email):
    token = signing.dumps(normalise_email(email), salt=CONFIRM_SALT)
    return settings.SITE_URL + reverse("counterpoints:confirm-address", kwargs={"token": token})


def email_from_confirmation_token(token):
    try:
        email = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return email if isinstance(email, str) and email else None


def confirm(email):
    """Record that the owner of ``email`` confirmed it. Saying it twice is fine."""
    ConfirmedAddress.objects.get_or_create(email=normalise_email(email))


def is_confirmed(email):
    return ConfirmedAddress.objects.filter(email=normalise_email(email)).exists()


def is_trusted(email):
    """Whether counterpoints from ``email`` may be published at once (two queries)."""
    email = normalise_email(email)
    if not email or not getattr(settings, "COUNTERPOINT_PUBLISH_TRUSTED", False):
        return False
    if not ConfirmedAddress.objects.filter(email=email, trust_revoked_at=None).exists():
        return False
    record = Counterpoint.objects.filter(author_email__iexact=email).aggregate(
        approved=Count("pk", filter=Q(status=Counterpoint.Status.APPROVED, published_without_review=False)),
        spam=Count("pk", filter=Q(status=Counterpoint.Status.SPAM)),
    )
    return record["spam"] == 0 and record["approved"] >= settings.COUNTERPOINT_TRUST_AFTER


def revoke_trust(*, emails, by):
    """Trust no more counterpoints from these addresses without review. Returns how many lost it."""
    emails = {normalise_email(email) for email in emails if email}
    return ConfirmedAddress.objects.filter(email__in=emails, trust_revoked_at=None).update(
        trust_revoked_at=timezone.now(), trust_revoked_by=by
    )


# The public readers' record (issue 16; the scores are counterpoints/readers_record.py).
#
# A reader asks to join it with the box on the counterpoint form; the ask is
# kept on the counterpoint, with the name. It is honoured only once the
# address's owner says yes to that name on the page behind the signed
# confirmation link, the proof that the address is theirs: someone typing
# another reader's address can ask, but can neither list them nor rename
# them. The name is shown only while an approved counterpoint asks for it,
# so a moderator has seen it. Leaving needs no proof (it works from the
# status page too): it only ever takes a name off the page.


def record_request(email):
    """The name the latest counterpoint from ``email`` that asked to join the record gives, or ''."""
    email = normalise_email(email)
    if not email:
        return ""
    asked = (
        Counterpoint.objects.filter(author_email__iexact=email, joins_record=True)
        .exclude(status__in=NOT_PUBLISHED)
        .order_by("-submitted_at", "-pk")
        .values_list("record_name", flat=True)
        .first()
    )
    return asked or ""


def record_name(email):
    """The name ``email`` is listed under in the public readers' record, or '' if it is not."""
    listed = (
        ConfirmedAddress.objects.filter(email=normalise_email(email), in_record_since__isnull=False)
        .values_list("record_name", flat=True)
        .first()
    )
    return listed or ""


def join_record(email):
    """
    The owner of a confirmed ``email`` says yes to the name their latest
    counterpoint asked for; nothing happens unless one asked.
    """
    email = normalise_email(email)
    name = record_request(email)
    if not name:
        return False
    joined = ConfirmedAddress.objects.filter(email=email, in_record_since=None).update(
        in_record_since=timezone.now(), record_name=name
    )
    if joined:
        refresh_after_commit()  # the hindsight page lists them now
    return bool(joined)


def leave_record(email):
    """Off the public record, and the asks withdrawn (confirming later does not list them again)."""
    email = normalise_email(email)
    if not email:
        return
    left = ConfirmedAddress.objects.filter(email=email, in_record_since__isnull=False).update(
        in_record_since=None, record_name=""
    )
    Counterpoint.objects.filter(author_email__iexact=email, joins_record=True).update(joins_record=False)
    if left:
        refresh_after_commit()  # off the hindsight page now, not when its cached copy expires

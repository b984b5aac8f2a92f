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

from .models import ConfirmedAddress, Counterpoint, normalise_email

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

"""Readers' counterpoints: held for review, public only once approved."""

import hashlib
import html
import ipaddress
import re
import secrets
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator, URLValidator, validate_email
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.markup import render_counterpoint_markdown
from core.text import comparable

BODY_MIN_LENGTH = 10
BODY_MAX_LENGTH = 5000
QUOTE_MAX_LENGTH = 1000
USER_AGENT_MAX_LENGTH = 300


def new_status_token():
    """The secret in a submitter's private status link: 192 random bits."""
    return secrets.token_urlsafe(24)


def normalise_email(address):
    """One spelling per mailbox for unsubscriptions: trimmed, lower case."""
    return (address or "").strip().lower()


def body_fingerprint(body):
    """
    The same text, give or take spacing, case, compatibility forms and
    invisible characters, is the same counterpoint.
    """
    return hashlib.sha256(comparable(body).encode()).hexdigest()


def token_fingerprint(token):
    """How a spent form token is remembered (the token itself is not kept)."""
    return hashlib.sha256(token.encode()).hexdigest() if token else ""


class Stance(models.TextChoices):
    PUSH_BACK = "push_back", _("pushes back")
    EXTEND = "extend", _("extends")
    SHARPEN = "sharpen", _("sharpens")


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SPAM = "spam", _("spam")


class AuthorResponse(models.TextChoices):
    """How the author took a counterpoint; shown as a badge."""

    CONCEDED = "conceded", _("conceded")
    PARTLY_CONCEDED = "partly_conceded", _("partly conceded")
    DISAGREE = "disagree", _("disagree")
    ADDRESSED = "addressed", _("addressed in an update")


class RejectionReason(models.TextChoices):
    """Why a counterpoint was not published, as the moderator picks it."""

    OFF_TOPIC = "off_topic", _("off-topic")
    PERSONAL_ATTACK = "personal_attack", _("personal attack")
    ADVERTISING = "advertising", _("spam or advertising")
    DUPLICATE = "duplicate", _("duplicate")
    UNSUPPORTED = "unsupported", _("unsupported claim")


# What the submitter reads on their status page: the reason, said to them.
REJECTION_REASON_TEXT = {
    RejectionReason.OFF_TOPIC: _(
        "It does not answer what this post argues. Counterpoints here push back on, "
        "extend or sharpen the post itself."
    ),
    RejectionReason.PERSONAL_ATTACK: _(
        "It goes after a person rather than the argument. Take on the claim, not the people."
    ),
    RejectionReason.ADVERTISING: _("It reads as promotion or advertising rather than an answer to the post."),
    RejectionReason.DUPLICATE: _(
        "It repeats a counterpoint already sent for this post, so it is not published twice."
    ),
    RejectionReason.UNSUPPORTED: _(
        "It states as fact something it gives no support for. A source or a reason would let "
        "readers check it."
    ),
}

NOT_PUBLISHED = (Status.REJECTED, Status.SPAM)

# The group (created by migration 0002) whose staff review counterpoints.
MODERATORS_GROUP = "Moderators"


class CounterpointQuerySet(models.QuerySet):
    def approved(self):
        """The one definition of which counterpoints readers may see and count."""
        return self.filter(status=Status.APPROVED)

    def pending(self):
        """The review queue."""
        return self.filter(status=Status.PENDING)

    def for_post_page(self, post):
        """
        A post's counterpoints as its page lists them: oldest first, each
        with ``is_credited`` (a verdict on the post credits it), in one query.
        """
        credits = self.model.credited_in.through.objects.filter(counterpoint=OuterRef("pk"))
        return self.filter(post=post).annotate(is_credited=Exists(credits)).order_by("submitted_at", "pk")


class Counterpoint(models.Model):
    Stance = Stance
    Status = Status
    AuthorResponse = AuthorResponse
    RejectionReason = RejectionReason

    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, related_name="counterpoints", verbose_name=_("post")
    )
    stance = models.CharField(_("stance"), max_length=10, choices=Stance)
    author_name = models.CharField(_("name"), max_length=80)
    author_email = models.EmailField(_("e-mail"), blank=True, help_text=_("Never shown publicly."))
    author_website = models.URLField(
        _("website"), max_length=200, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    quote = models.TextField(
        _("quoted passage"),
        blank=True,
        validators=[MaxLengthValidator(QUOTE_MAX_LENGTH)],
        help_text=_("The passage of the post this answers."),
    )
    body = models.TextField(
        _("body"),
        validators=[MinLengthValidator(BODY_MIN_LENGTH), MaxLengthValidator(BODY_MAX_LENGTH)],
        help_text=_("A small Markdown subset: no images, no headings, no raw HTML."),
    )
    body_html = models.TextField(editable=False, default="")
    body_hash = models.CharField(max_length=64, editable=False)
    # The signed form it was sent from, so that form is spent (antispam.py).
    form_token_hash = models.CharField(max_length=64, editable=False, blank=True, default="")

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    response = models.CharField(
        _("author's response"),
        max_length=20,
        choices=AuthorResponse,
        blank=True,
        help_text=_("Shown as a badge on the counterpoint."),
    )
    author_reply = models.TextField(
        _("public reply from the author"), blank=True, help_text=_("Shown under the counterpoint. Markdown.")
    )
    reply_html = models.TextField(editable=False, default="")
    rejection_reason = models.CharField(
        _("reason it is not published"),
        max_length=20,
        choices=RejectionReason,
        blank=True,
        help_text=_(
            "Optional, with a rejection: the submitter sees it, worded for them, on their status page."
        ),
    )
    rejection_note = models.TextField(
        _("note to the submitter"),
        blank=True,
        max_length=1000,
        help_text=_(
            "Optional, with a rejection: said to the submitter in your words, on their status page "
            "and by e-mail, beside the reason."
        ),
    )
    moderator_note = models.TextField(
        _("private note"), blank=True, help_text=_("For moderators only; never shown to readers.")
    )
    # The submitter's private status link (no account): unguessable, and the
    # only way to reach that page.
    status_token = models.CharField(max_length=64, unique=True, default=new_status_token, editable=False)

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_counterpoints",
        verbose_name=_("reviewed by"),
    )
    # Published at once because its submitter is trusted (trust.py): listed
    # in the admin for review after the fact.
    published_without_review = models.BooleanField(default=False, editable=False)
    # Held as spam at once by a blocklist entry: never public, never mailed
    # about, and shown to its submitter exactly like a pending one.
    blocklisted = models.BooleanField(_("held by the blocklist"), default=False, editable=False)
    blocked_by = models.ForeignKey(
        "BlockedPattern",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="held",
        verbose_name=_("blocklist entry"),
    )
    # The public readers' record (readers_record.py): asked for on the form,
    # honoured only once the address's owner says yes through the signed
    # confirmation link (trust.py), and shown under the name a moderator saw
    # when approving the counterpoint.
    joins_record = models.BooleanField(_("asks to join the public readers' record"), default=False)
    record_name = models.CharField(
        _("name in the public readers' record"),
        max_length=80,
        blank=True,
        help_text=_("Shown beside their Brier score on /hindsight/ once they confirm their address."),
    )
    ip_address = models.GenericIPAddressField(_("submitter IP"), null=True, blank=True)
    user_agent = models.CharField(_("submitter user agent"), max_length=USER_AGENT_MAX_LENGTH, blank=True)

    objects = CounterpointQuerySet.as_manager()

    _rendered = None  # (body, reply) that body_html and reply_html were made from

    class Meta:
        verbose_name = _("counterpoint")
        verbose_name_plural = _("counterpoints")
        ordering = ["submitted_at", "pk"]
        permissions = [
            # The author's voice: responses, public replies and verdict credits.
            # Not given to the Moderators group; see can_respond_as_author().
            ("respond_as_author", "Can respond, reply and credit as the post's author"),
        ]
        indexes = [
            # The post page: one post's approved counterpoints, oldest first.
            models.Index(fields=["post", "status", "submitted_at"], name="counterpoint_post_status"),
            # The review queue: pending ones, newest first.
            models.Index(fields=["status", "-submitted_at"], name="counterpoint_status_queue"),
            # The scorecard's conceded counterpoints: few rows among many.
            models.Index(
                fields=["response", "-reviewed_at"],
                condition=Q(status="approved") & ~Q(response=""),
                name="counterpoint_conceded",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="counterpoint_stance_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="counterpoint_status_valid"),
            models.CheckConstraint(
                condition=Q(response__in=[*AuthorResponse.values, ""]), name="counterpoint_response_valid"
            ),
            models.CheckConstraint(
                condition=Q(rejection_reason="")
                | Q(rejection_reason__in=RejectionReason.values, status__in=NOT_PUBLISHED),
                name="counterpoint_rejection_reason_valid",
                violation_error_message=_("A reason goes with a rejected or spam counterpoint only."),
            ),
            models.CheckConstraint(
                condition=Q(rejection_note="") | Q(status__in=NOT_PUBLISHED),
                name="counterpoint_rejection_note_valid",
                violation_error_message=_("A note to the submitter goes with a rejection only."),
            ),
            # One copy of a text per post is held for review or published; a
            # repeat from another form is kept as spam (services.py).
            models.UniqueConstraint(
                fields=["post", "body_hash"],
                condition=~Q(status="spam"),
                name="counterpoint_unique_body_per_post",
            ),
            models.CheckConstraint(
                condition=Q(joins_record=False) | (~Q(author_email="") & ~Q(record_name="")),
                name="counterpoint_record_needs_email_and_name",
                violation_error_message="The public readers' record needs an e-mail address and a name.",
            ),
            models.UniqueConstraint(
                fields=["form_token_hash"],
                condition=~Q(form_token_hash=""),
                name="counterpoint_form_spent_once",
            ),
        ]

    def __str__(self):
        return f"{self.author_name} {self.get_stance_display()}: {self.excerpt}"

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{reverse('blog:post-detail', kwargs={'slug': self.post.slug})}#counterpoint-{self.pk}"

    def get_status_url(self):
        """The submitter's private status page."""
        return reverse("counterpoints:status", kwargs={"token": self.status_token})

    @property
    def status_for_submitter(self):
        """What the submitter is shown: a blocklisted one looks pending, as any other would."""
        if self.blocklisted and self.status == Status.SPAM:
            return Status.PENDING
        return self.status

    @property
    def rejection_reason_text(self):
        return REJECTION_REASON_TEXT.get(self.rejection_reason, "")

    def render(self):
        """Derive the stored HTML and fingerprint; cheap to call again."""
        if self._rendered != (self.body, self.author_reply):
            self.body_html = render_counterpoint_markdown(self.body)
            self.reply_html = render_counterpoint_markdown(self.author_reply)
            self.body_hash = body_fingerprint(self.body)
            self._rendered = (self.body, self.author_reply)

    @property
    def text(self):
        """
        The body's words without Markdown markers (``**`` and ``[…](…)`` never
        show where text is expected, issue 13), from the HTML stored on save:
        tags stripped, no Markdown rendered per request.
        """
        return " ".join(html.unescape(nh3.clean(self.body_html, tags=set())).split())

    @property
    def excerpt(self):
        return Truncator(self.text).chars(100)


def can_respond_as_author(user, post):
    """
    Whether ``user`` may speak for the author of ``post``: set a counterpoint's
    response, write the public reply, credit counterpoints in a verdict.
    Moderators review; only the author (or someone given the explicit
    ``respond_as_author`` permission, such as a superuser) answers.
    """
    if not (user.is_active and user.is_staff):
        return False
    if post is not None and post.author_id is not None and post.author_id == user.pk:
        return True
    return user.has_perm("counterpoints.respond_as_author")


class Unsubscribed(models.Model):
    """An address that wants no more notifications about its counterpoints."""

    email = models.EmailField(unique=True, help_text=_("Stored trimmed and in lower case."))
    unsubscribed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("unsubscribed address")
        verbose_name_plural = _("unsubscribed addresses")
        ordering = ["-unsubscribed_at"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)


class OutboxMailQuerySet(models.QuerySet):
    def waiting(self):
        """Mail that is neither sent nor given up."""
        return self.filter(sent_at=None, gave_up_at=None)

    def due(self, now=None):
        """Waiting mail whose next attempt has come, oldest first."""
        return self.waiting().filter(send_after__lte=now or timezone.now()).order_by("send_after", "pk")


class OutboxMail(models.Model):
    """
    A mail written in the same transaction as the change it tells about and
    sent later by ``manage.py send_mail_outbox`` (see outbox.py): no request
    waits on SMTP, and an SMTP outage loses nothing.
    """

    subject = models.CharField(max_length=300)
    body = models.TextField()
    from_email = models.CharField(max_length=254)
    to = models.JSONField(help_text=_("The recipients' addresses."))
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(default=timezone.now, help_text=_("The next attempt, not before."))
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(
        _("given up"),
        null=True,
        blank=True,
        help_text=_(
            "Not tried again: the mail server refused the address for good, or every attempt "
            "for about two days failed."
        ),
    )

    objects = OutboxMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sender's question, asked every few seconds: what is due?
            models.Index(
                fields=["send_after"], condition=Q(sent_at=None, gave_up_at=None), name="outbox_waiting"
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"


class BlockKind(models.TextChoices):
    EMAIL = "email", _("e-mail address or domain")
    IP = "ip", _("IP address or network")
    WORD = "word", _("word or phrase")
    LINK = "link", _("link domain")


DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


def normalise_pattern(kind, value):
    """One spelling per pattern, or ValidationError saying what is wrong."""
    value = " ".join((value or "").split())
    if kind == BlockKind.EMAIL:
        value = value.lower().removeprefix("@")
        if "@" in value:
            validate_email(value)
        elif not DOMAIN.match(value):
            raise ValidationError(
                {"value": gettext("Give an e-mail address (troll@example.com) or a domain (example.com).")}
            )
    elif kind == BlockKind.IP:
        try:
            value = str(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ValidationError(
                {
                    "value": gettext(
                        "Give an IP address (203.0.113.7) or a network (203.0.113.0/24, 2001:db8::/32)."
                    )
                }
            ) from None
    elif kind == BlockKind.LINK:
        value = value.lower()
        value = (urlsplit(value).hostname or "") if "//" in value else value.strip("/")
        value = value.removeprefix("www.")
        if not DOMAIN.match(value):
            raise ValidationError(
                {"value": gettext("Give a domain (example.com); its subdomains are blocked too.")}
            )
    elif kind == BlockKind.WORD:
        value = value.casefold()
        if not value:
            raise ValidationError({"value": gettext("Give a word or phrase.")})
    return value


class BlockedPattern(models.Model):
    """
    A blocklist entry, managed in the admin: a counterpoint that matches one
    is stored as spam at once (see blocklist.py).
    """

    Kind = BlockKind

    kind = models.CharField(max_length=10, choices=BlockKind)
    value = models.CharField(
        max_length=255,
        help_text=_(
            "troll@example.com or example.com · 203.0.113.7 or 203.0.113.0/24 or 2001:db8::/32 · "
            "a word or phrase (whole words, any case) · a domain linked in the body or given as website "
            "(its subdomains too)."
        ),
    )
    note = models.CharField(_("why"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL
    )
    hits = models.PositiveIntegerField(default=0, editable=False, help_text=_("Counterpoints it held."))
    last_hit_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("blocklist entry")
        verbose_name_plural = _("blocklist")
        ordering = ["kind", "value"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=BlockKind.values), name="blockedpattern_kind_valid"),
            models.UniqueConstraint(fields=["kind", "value"], name="blockedpattern_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        self.value = normalise_pattern(self.kind, self.value)


class ConfirmedAddress(models.Model):
    """
    An e-mail address its owner confirmed through the signed link in a
    status mail: the first condition for being a trusted submitter
    (trust.py). A moderator can revoke the trust in one click.
    """

    email = models.EmailField(unique=True, help_text=_("Stored trimmed and in lower case."))
    confirmed_at = models.DateTimeField(default=timezone.now)
    # Set only through the signed link (the owner saying yes to the name
    # they asked for), cleared when they leave; see trust.join_record.
    in_record_since = models.DateTimeField(
        "in the public readers' record since",
        null=True,
        blank=True,
        help_text="Their forecasts are listed by name on /hindsight/ (claims/readers.py).",
    )
    record_name = models.CharField(
        "name in the public readers' record",
        max_length=80,
        blank=True,
        help_text="Listed only while an approved counterpoint of theirs asks for this name.",
    )
    trust_revoked_at = models.DateTimeField(null=True, blank=True)
    trust_revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("confirmed address")
        verbose_name_plural = _("confirmed addresses")
        ordering = ["-confirmed_at"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

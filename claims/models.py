"""
Claims: the predictions a post makes, each with a stated confidence, judged
one by one with an append-only verdict history (like blog.Hindsight), and
readers' own probabilities sent with their counterpoints.
"""

from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from blog.models import Post, published_condition

from .markup import KEY_LENGTH, MAX_CONFIDENCE, MIN_CONFIDENCE


class Outcome(models.TextChoices):
    TRUE = "true", _("true")
    FALSE = "false", _("false")
    PARTLY = "partly", _("partly true")
    OPEN = "open", _("still open")
    VOID = "void", _("void (ambiguous)")


# What each outcome counts as in the scores; still open and void are not scored.
OUTCOME_VALUES = {Outcome.TRUE: 1.0, Outcome.PARTLY: 0.5, Outcome.FALSE: 0.0}


class ClaimQuerySet(models.QuerySet):
    def published(self):
        """Claims of published posts (withdrawn ones included: they are part of the record)."""
        return self.filter(published_condition("post__"))

    def resolved(self):
        """Claims with a scored verdict: true, partly true or false."""
        return self.filter(current_verdict__in=list(OUTCOME_VALUES))

    def due_for_verdict(self, today=None):
        """Published, not withdrawn, past their check-back date, unjudged or still open."""
        today = today or timezone.localdate()
        return self.published().filter(
            withdrawn=False, check_back_by__lte=today, current_verdict__in=["", Outcome.OPEN]
        )


class Claim(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="claims", verbose_name=_("post"))
    key = models.SlugField(
        _("key"),
        max_length=KEY_LENGTH,
        help_text=_("The claim's identity in the post: its anchor (#claim-…)."),
    )
    text = models.TextField(_("text"), help_text=_("The claim's words, as plain text."))
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), help_text=_("Stated probability, in percent.")
    )
    check_back_by = models.DateField(_("check back by"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    in_body = models.BooleanField(
        _("in body"),
        default=True,
        help_text=_("Marked in the body (else stated in a seed file's front matter)."),
    )
    withdrawn = models.BooleanField(
        _("withdrawn"),
        default=False,
        help_text=_("Removed from the text after being judged: kept for the record."),
    )
    current_verdict = models.CharField(
        _("current verdict"), max_length=10, choices=Outcome, blank=True, default="", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["post", "withdrawn", "order", "pk"]
        indexes = [
            models.Index(fields=["post", "order"], name="claim_post_order"),
            models.Index(fields=["current_verdict", "confidence"], name="claim_verdict_confidence"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["post", "key"], name="claim_unique_key_per_post"),
            models.CheckConstraint(
                condition=Q(confidence__gte=MIN_CONFIDENCE, confidence__lte=MAX_CONFIDENCE),
                name="claim_confidence_range",
            ),
            models.CheckConstraint(
                condition=Q(current_verdict__in=["", *Outcome.values]), name="claim_current_verdict_valid"
            ),
        ]

    def __str__(self):
        return f"{self.confidence}%: {self.text[:80]}"

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#claim-{self.key}"

    @property
    def anchor(self):
        return f"claim-{self.key}"


def refresh_current_verdicts(claims):
    newest = ClaimVerdict.objects.filter(claim=OuterRef("pk")).order_by("-decided_at", "-pk")
    claims.update(current_verdict=Coalesce(Subquery(newest.values("verdict")[:1]), Value("")))


class ClaimVerdictQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ClaimVerdictHistoryError("Saved claim verdicts cannot be changed; add a new verdict instead.")


class ClaimVerdictHistoryError(Exception):
    """A saved claim verdict was about to be changed: the history is append-only."""


class ClaimVerdict(models.Model):
    """A verdict on one claim. Never edited: a revision is a new row, the newest counts."""

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="verdicts", verbose_name=_("claim")
    )
    verdict = models.CharField(_("verdict"), max_length=10, choices=Outcome)
    note = models.TextField(_("note"), blank=True, help_text=_("Plain text: why, in hindsight."))
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    objects = ClaimVerdictQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim verdict")
        verbose_name_plural = _("claim verdicts")
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["claim", "-decided_at"], name="claimverdict_claim_decided")]
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=Outcome.values), name="claimverdict_verdict_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_verdict_display()} ({self.decided_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ClaimVerdictHistoryError(
                f"Claim verdict {self.pk} is saved and cannot be changed; add a new verdict instead."
            )
        super().save(*args, **kwargs)


class Forecast(models.Model):
    """The claim a reader's counterpoint answers, and the reader's own probability for it."""

    counterpoint = models.OneToOneField(
        "counterpoints.Counterpoint",
        on_delete=models.CASCADE,
        related_name="forecast",
        verbose_name=_("counterpoint"),
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="forecasts", verbose_name=_("claim")
    )
    probability = models.PositiveSmallIntegerField(
        _("probability"),
        null=True,
        blank=True,
        help_text=_("The reader's probability that the claim holds, in percent."),
    )

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__isnull=True)
                | Q(probability__gte=MIN_CONFIDENCE, probability__lte=MAX_CONFIDENCE),
                name="forecast_probability_range",
            ),
        ]

    def __str__(self):
        return f"{self.probability or '—'}% on {self.claim}"


class ClaimTally(models.Model):
    """
    How many resolved claims of published posts were stated at each
    confidence and resolved each way, per tag (null: all posts) and year of
    publication: the calibration record, read in one query whatever the
    number of claims. Kept like the track record's tallies (blog/tallies.py).
    """

    tag = models.ForeignKey(Tag, null=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    confidence = models.PositiveSmallIntegerField()
    verdict = models.CharField(max_length=10, choices=Outcome)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["tag", "year"], name="claim_tally_tag_year")]

    def __str__(self):
        return f"{self.tag or 'all'} {self.year} {self.confidence}% {self.verdict}: {self.count}"

"""
Claim workflows, called by the post's save, the admin, the seed loader,
the counterpoint view and the tests alike.

sync_claims: make the stored claims match the text. A claim keeps its
identity (and so its verdicts and readers' forecasts) across edits: by its
explicit ``{#id}`` when it has one, else by its wording (the same text, or
the closest text at least SIMILAR alike, so polishing a sentence keeps
it). A claim that leaves the text is deleted, unless it was judged or a
reader forecast it: then it is kept as withdrawn, never silently lost.

judge_claim: add a verdict (append-only) and re-render the post, since each
claim shows its verdict in place in the stored HTML.

suggest_verdict: the post verdict its claims suggest, shown beside the
verdict field in the post's admin; the author still decides.
"""

import difflib
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from blog.images import responsive_images
from blog.models import Post, Verdict
from core.caching import Scope
from core.freshness import refresh_after_commit
from core.markup import post_parser, render_post_markdown

from .markup import key_from_text, parse_claims
from .models import OUTCOME_VALUES, Claim, ClaimVerdict, Outcome, refresh_current_verdicts

SIMILAR = 0.6


def _match(parsed, existing):
    """Pair each parsed claim with an existing claim (or None), by id, then same text, then likeness."""
    matches = [None] * len(parsed)
    free = {claim.key: claim for claim in existing}
    for i, item in enumerate(parsed):
        if item.key and item.key in free:
            matches[i] = free.pop(item.key)
    explicit = {item.key for item in parsed if item.key}
    candidates = [claim for claim in free.values() if claim.key not in explicit]
    for i, item in enumerate(parsed):
        if matches[i] is None and not item.key:
            same = next((c for c in candidates if c.text == item.text), None)
            if same is not None:
                matches[i] = same
                candidates.remove(same)
    for i, item in enumerate(parsed):
        if matches[i] is None and not item.key and candidates:
            ratios = [(difflib.SequenceMatcher(None, c.text, item.text).ratio(), c) for c in candidates]
            ratio, best = max(ratios, key=lambda pair: pair[0])
            if ratio >= SIMILAR:
                matches[i] = best
                candidates.remove(best)
    return matches


def _unique_key(wanted, taken):
    key, n = wanted, 2
    while key in taken:
        suffix = f"-{n}"
        key, n = wanted[: 50 - len(suffix)] + suffix, n + 1
    return key


@transaction.atomic
def sync_claims(post, parsed, *, in_body=True):
    """Store ``parsed`` (ParsedClaims in text order) as ``post``'s claims; returns them in order."""
    claims = list(post.claims.filter(in_body=in_body).select_for_update())
    matches = _match(parsed, claims)
    kept = {claim.pk for claim in matches if claim is not None}
    leaving = [claim for claim in claims if claim.pk not in kept]
    judged_or_forecast = set(
        Claim.objects.filter(pk__in=[c.pk for c in leaving])
        .filter(~Q(current_verdict="") | Q(forecasts__isnull=False))
        .values_list("pk", flat=True)
    )
    for claim in leaving:
        if claim.pk in judged_or_forecast:
            if not claim.withdrawn:
                claim.withdrawn = True
                claim.save(update_fields=["withdrawn", "updated_at"])
        else:
            claim.delete()
    taken = set(post.claims.values_list("key", flat=True))
    result = []
    for order, (item, claim) in enumerate(zip(parsed, matches, strict=True)):
        if claim is None:
            # An explicit id another claim already carries (a withdrawn one) is re-used as is.
            revived = post.claims.filter(key=item.key).first() if item.key else None
            claim = revived or Claim(post=post, key=_unique_key(item.key or key_from_text(item.text), taken))
        elif item.key and claim.key != item.key:
            claim.key = item.key
        claim.text, claim.confidence, claim.check_back_by = item.text, item.confidence, item.check_back_by
        claim.order, claim.in_body, claim.withdrawn = order, in_body, False
        claim.save()
        taken.add(claim.key)
        result.append(claim)
    return result


def _render_with_claims(post, claims):
    # As Post.render does, images included: a post with claims keeps its renditions.
    return responsive_images(
        render_post_markdown(
            post.body,
            env={
                "claims": [
                    {
                        "key": c.key,
                        "verdict": c.current_verdict,
                        "verdict_label": c.get_current_verdict_display(),
                    }
                    for c in claims
                ]
            },
        )
    )


def rerender_post(post, claims=None):
    """Store ``post``'s HTML with its claims' ids and verdicts in place; fresh pages after the commit."""
    if claims is None:
        claims = list(post.claims.filter(in_body=True, withdrawn=False).order_by("order"))
    post.body_html = _render_with_claims(post, claims)
    Post.objects.filter(pk=post.pk).update(body_html=post.body_html)
    # A post's claims show on its own page and in lists, on no other post's page.
    refresh_after_commit(post_ids={post.pk}, scope=Scope.POSTS)


def sync_claims_from_body(post):
    """Called on every save of a post: its claims follow its text (malformed ones are left out)."""
    parsed, _errors = parse_claims(post_parser(), post.body)
    if not parsed and not post.claims.filter(in_body=True).exists():
        return []
    with transaction.atomic():
        claims = sync_claims(post, parsed, in_body=True)
        rerender_post(post, claims)
    return claims


@transaction.atomic
def judge_claim(*, claim, verdict, note="", decided_at=None):
    """Add a verdict to ``claim`` (the history is append-only) and show it on the post."""
    fields = {"claim": claim, "verdict": verdict, "note": note}
    if decided_at is not None:
        fields["decided_at"] = decided_at
    claim_verdict = ClaimVerdict.objects.create(**fields)
    refresh_claim_verdict(claim)
    return claim_verdict


def refresh_claim_verdict(claim):
    """After verdicts are added or removed: the stored current verdict and the post's HTML follow."""
    refresh_current_verdicts(Claim.objects.filter(pk=claim.pk))
    claim.refresh_from_db(fields=["current_verdict"])
    rerender_post(claim.post)


def record_forecast(*, counterpoint, claim, probability=None):
    """The claim a counterpoint answers and the reader's probability (a claim of the same post only)."""
    from .models import Forecast

    if claim is None or claim.post_id != counterpoint.post_id:
        return None
    forecast, _ = Forecast.objects.get_or_create(
        counterpoint=counterpoint, defaults={"claim": claim, "probability": probability}
    )
    return forecast


@dataclass(frozen=True)
class Suggestion:
    """The post verdict a post's claims suggest, and the tally it comes from ('2 true, 1 false')."""

    verdict: str  # a blog.models.Verdict value
    tally: str

    @property
    def label(self):
        return Verdict(self.verdict).label


def suggest_verdict(verdicts):
    """
    The post verdict suggested by its claims' current verdicts (``""`` for a
    claim not judged yet), or None when nothing is judged:

    - any claim not judged yet or still open: still open (the post is not
      settled while one of its predictions is not);
    - otherwise, leaving out void (ambiguous) claims: all true is "nailed
      it", all false is "wrong", anything else (a mix, or a partly true
      claim) is "partly right";
    - only void claims: no suggestion.

    The author decides: this only suggests, beside the verdict field.
    """
    verdicts = list(verdicts)
    if not any(verdicts):
        return None
    tally = Counter(verdict or "unjudged" for verdict in verdicts)
    labels = [*Outcome.choices, ("unjudged", "not judged yet")]
    said = ", ".join(f"{tally[value]} {label}" for value, label in labels if tally[value])
    scored = {verdict for verdict in verdicts if verdict in OUTCOME_VALUES}
    if tally["unjudged"] or tally[Outcome.OPEN]:
        verdict = Verdict.STILL_OPEN
    elif not scored:
        return None
    elif scored == {Outcome.TRUE}:
        verdict = Verdict.NAILED_IT
    elif scored == {Outcome.FALSE}:
        verdict = Verdict.WRONG
    else:
        verdict = Verdict.PARTLY_RIGHT
    return Suggestion(verdict=verdict, tally=said)


def suggested_post_verdict(post):
    """What ``post``'s claims in its text (withdrawn ones left out) suggest; one query."""
    return suggest_verdict(post.claims.filter(withdrawn=False).values_list("current_verdict", flat=True))

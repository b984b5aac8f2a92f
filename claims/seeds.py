"""
Claims in a seed file's front matter (see blog/seeds.py), so the seed posts'
text, and their word counts, stay exactly as captured:

    [[claims]]
    id = "debunking-travels-less"
    confidence = 80
    by = 2025-06-30
    text = "The debunking travels half as far as the original claim."

    [[claims.verdicts]]
    verdict = "true"        # true | false | partly | open | void
    decided = 2025-09-14T12:00:00Z
    note = "Why."

They are stored like claims marked in a body but apart from them (``in_body``
false), so editing the body never withdraws them.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation

from blog.seeds import FrontMatter
from core.freshness import refresh_after_commit

from .markup import KEY_LENGTH, KEY_PATTERN, MAX_CONFIDENCE, MIN_CONFIDENCE, ParsedClaim
from .models import ClaimVerdict, Outcome
from .services import refresh_claim_verdict, sync_claims


class SeedClaimError(ValueError):
    pass


@dataclass
class SeedClaim:
    parsed: ParsedClaim
    verdicts: list = field(default_factory=list)  # (Outcome, decided_at or None, note)


def _outcome(value):
    # Seed files are written in English, whatever language the site speaks.
    with translation.override("en"):
        for choice in Outcome:
            if value in (choice.value, str(choice.label)):
                return choice
    raise SeedClaimError(f'unknown claim verdict "{value}" (expected one of {", ".join(Outcome.values)})')


def parse_seed_claims(value, to_datetime):
    """``[[claims]]`` tables as SeedClaims; ``to_datetime(value, key)`` is the loader's date reader."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SeedClaimError("claims must be a list of [[claims]] tables")
    claims, keys = [], set()
    for number, item in enumerate(value, start=1):
        key, text, confidence = item.get("id", ""), item.get("text", ""), item.get("confidence")
        where = f"claim {number}"
        if not isinstance(key, str) or not KEY_PATTERN.match(key) or len(key) > KEY_LENGTH or key in keys:
            raise SeedClaimError(f"{where}: id must be a unique slug of at most {KEY_LENGTH} characters")
        keys.add(key)
        if not isinstance(text, str) or not text.strip():
            raise SeedClaimError(f"{where}: text must be a non-empty string")
        if not isinstance(confidence, int) or not MIN_CONFIDENCE <= confidence <= MAX_CONFIDENCE:
            raise SeedClaimError(f"{where}: confidence must be a whole number from 1 to 99")
        by = item.get("by")
        if by is not None and not isinstance(by, datetime.date):
            raise SeedClaimError(f"{where}: by must be a TOML date")
        if isinstance(by, datetime.datetime):
            by = by.date()
        verdicts = item.get("verdicts", [])
        if not isinstance(verdicts, list) or not all(isinstance(v, dict) for v in verdicts):
            raise SeedClaimError(f"{where}: verdicts must be a list of [[claims.verdicts]] tables")
        claims.append(
            SeedClaim(
                ParsedClaim(0, confidence, by, key, " ".join(text.split())),
                [
                    (
                        _outcome(v.get("verdict")),
                        to_datetime(v["decided"], "claims.verdicts.decided") if "decided" in v else None,
                        str(v.get("note", "")).strip(),
                    )
                    for v in verdicts
                ],
            )
        )
    return claims


@transaction.atomic
def load_seed_claims(post, seed_claims):
    """Store a seed's claims and add the verdicts it lacks; True if anything changed."""
    if not seed_claims and not post.claims.filter(in_body=False).exists():
        return False

    def state():
        return list(
            post.claims.filter(in_body=False).values_list("key", "text", "confidence", "check_back_by")
        )

    before = state()
    claims = sync_claims(post, [item.parsed for item in seed_claims], in_body=False)
    changed = state() != before
    for claim, item in zip(claims, seed_claims, strict=True):
        existing = set(claim.verdicts.values_list("verdict", "decided_at"))
        added = False
        for outcome, decided_at, note in item.verdicts:
            decided_at = decided_at or post.published_at
            if (outcome.value, decided_at) not in existing:
                ClaimVerdict.objects.create(claim=claim, verdict=outcome, decided_at=decided_at, note=note)
                existing.add((outcome.value, decided_at))
                added = True
        if added:
            refresh_claim_verdict(claim)
            changed = True
    if changed:
        refresh_after_commit(post_ids={post.pk})  # their words are searched with the post's
    return changed


# Registered with the seed loader by ClaimsConfig.ready().
FRONT_MATTER = FrontMatter(parse=parse_seed_claims, load=load_seed_claims)

"""Helpers for claim tests: a body with claims, a verdict on a claim."""

from claims import services
from claims.models import Outcome


def claim_block(text, confidence=70, *, by=None, key=None):
    head = f"::: claim {confidence}%" + (f" by {by}" if by else "") + (f" {{#{key}}}" if key else "")
    return f"{head}\n{text}\n:::\n"


def body_with_claims(*blocks, intro="An opinion, with predictions."):
    return intro + "\n\n" + "\n".join(blocks)


def judge(claim, verdict=Outcome.TRUE, **kwargs):
    return services.judge_claim(claim=claim, verdict=verdict, **kwargs)

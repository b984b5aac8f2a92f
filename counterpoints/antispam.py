"""
Anti-spam without third-party services.

- A signed form token carries the time the form was served (and the post it
  belongs to): a form sent back within seconds is a bot; one that was forged
  is refused; one that is merely old is *not* refused outright, because
  django-contrib-comments threw away the text of readers who wrote for two
  hours. The view re-shows it with the text kept and a fresh token.
- A token can be spent once: a second counterpoint from the same served
  form is refused (a double click gets the first one's answer back).
- Flood control counts submissions per client (core/ratelimit.py) in the
  "shared" cache, which every app server shares.
"""

import secrets
import time

from django.conf import settings
from django.core import signing

from core import ratelimit
from core.ratelimit import client_ip

__all__ = ["TokenState", "check_token", "client_ip", "issue_token", "take_submission_slot"]

SIGNING_SALT = "counterpoints.form-token"


class TokenState:
    OK = "ok"
    TOO_FAST = "too_fast"
    EXPIRED = "expired"
    FORGED = "forged"


def issue_token(post, *, issued_at=None):
    """A signed token saying which post's form was served, and when."""
    issued_at = time.time() if issued_at is None else issued_at
    # The nonce makes every served form's token its own, so a token can be
    # spent once (see services.submit_counterpoint) without two readers who
    # opened the page in the same second refusing each other.
    payload = {"post": post.pk, "at": int(issued_at), "n": secrets.token_urlsafe(6)}
    # Not compressed: too small for zlib to shorten, and it is issued on every
    # cached post page (tokens issued compressed still load).
    return signing.dumps(payload, salt=SIGNING_SALT)


def check_token(token, post):
    """Classify a token sent back with the form of ``post`` (see TokenState)."""
    try:
        payload = signing.loads(token or "", salt=SIGNING_SALT)
        issued_at = int(payload["at"])
        for_this_post = payload["post"] == post.pk
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        return TokenState.FORGED
    if not for_this_post:
        return TokenState.FORGED
    age = time.time() - issued_at
    if age < 0:
        return TokenState.FORGED
    if age < settings.COUNTERPOINT_MIN_SECONDS:
        return TokenState.TOO_FAST
    if age > settings.COUNTERPOINT_FORM_MAX_AGE:
        return TokenState.EXPIRED
    return TokenState.OK


def take_submission_slot(ip, *, now=None):
    """Count one counterpoint from ``ip``; say whether it is within COUNTERPOINT_RATE_LIMIT."""
    return ratelimit.take_slot("counterpoint-flood", ip, settings.COUNTERPOINT_RATE_LIMIT, now=now)

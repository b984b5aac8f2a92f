"""
Anti-spam without third-party services.

- A signed form token carries the time the form was served (and the post it
  belongs to): a form sent back within seconds is a bot; one that was forged
  is refused; one that is merely old is *not* refused outright, because
  django-contrib-comments threw away the text of readers who wrote for two
  hours. The view re-shows it with the text kept and a fresh token.
- Flood control counts submissions per client IP in the "shared" cache,
  which every app server shares (a database table by default).
"""

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches

SIGNING_SALT = "counterpoints.form-token"


class TokenState:
    OK = "ok"
    TOO_FAST = "too_fast"
    EXPIRED = "expired"
    FORGED = "forged"


def issue_token(post, *, issued_at=None):
    """A signed token saying which post's form was served, and when."""
    issued_at = time.time() if issued_at is None else issued_at
    return signing.dumps({"post": post.pk, "at": int(issued_at)}, salt=SIGNING_SALT, compress=True)


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


def client_ip(request):
    """
    The submitter's address: REMOTE_ADDR, unless settings say how many
    reverse proxies we sit behind. Then the address the outermost trusted
    proxy saw is the n-th entry of X-Forwarded-For from the right; anything
    further left was written by the client and can be forged.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            remote_addr = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(remote_addr))
    except ValueError:
        return None


def parse_rate(rate):
    """ "5/600" → (5, 600): five per ten minutes."""
    count, _, seconds = str(rate).partition("/")
    return int(count), int(seconds)


@dataclass(frozen=True)
class FloodCheck:
    allowed: bool
    retry_after: int


def _bucket(ip):
    """An IPv6 host usually owns a whole /64: count that as one address."""
    if ip is None:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def take_submission_slot(ip, *, now=None):
    """
    Count one submission from ``ip``; say whether it is within the limit.

    A fixed window of ``limit`` numbered slots, each claimed with
    ``cache.add``. ``add`` is atomic on every backend (the database cache
    relies on the table's primary key), so two app servers can never claim
    the same slot, whereas ``incr`` on the database cache is a get then a
    set and would let a concurrent burst through.
    """
    limit, period = parse_rate(settings.COUNTERPOINT_RATE_LIMIT)
    now = time.time() if now is None else now
    window = math.floor(now / period)
    retry_after = max(1, math.ceil((window + 1) * period - now))
    cache = caches["shared"]
    keys = [f"counterpoint-flood:{_bucket(ip)}:{window}:{slot}" for slot in range(limit)]
    taken = cache.get_many(keys)
    for key in keys:
        if key not in taken and cache.add(key, 1, timeout=period + 1):
            return FloodCheck(allowed=True, retry_after=0)
    return FloodCheck(allowed=False, retry_after=retry_after)

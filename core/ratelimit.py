"""
Who a request comes from, and fixed-window rate limits per client, counted
in the "shared" cache that every app server shares. Used by the counterpoint
flood control and the admin login throttle.
"""

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

# The well-known prefixes whose addresses carry an IPv4 host inside them.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def client_ip(request):
    """
    The client's address: REMOTE_ADDR, unless settings say how many reverse
    proxies we sit behind. Then the address the outermost trusted proxy saw
    is the n-th entry of X-Forwarded-For from the right; anything further
    left was written by the client and can be forged.
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


def client_bucket(ip):
    """
    What one client is, for counting. An IPv4 address is itself, however it
    is spelt: IPv4-mapped (``::ffff:a.b.c.d``, what a dual-stack listener
    sees), 6to4 (``2002:…``) and NAT64 (``64:ff9b::…``) addresses count as
    the IPv4 host inside them. Any other IPv6 host usually owns a whole /64,
    so the /64 counts as one client.
    """
    if ip is None:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if address.version == 4:
        return str(address)
    embedded = address.ipv4_mapped or address.sixtofour
    if embedded is None and address in NAT64:
        embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if embedded is not None:
        return str(embedded)
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)


def parse_rate(rate):
    """ "5/600" → (5, 600): five per ten minutes."""
    count, _, seconds = str(rate).partition("/")
    return int(count), int(seconds)


@dataclass(frozen=True)
class Allowance:
    allowed: bool
    retry_after: int


def take_slot(scope, ip, rate, *, now=None):
    """
    Count one event of ``scope`` (e.g. "counterpoint-flood") from ``ip``;
    say whether it is within ``rate``.

    A fixed window of ``limit`` numbered slots, each claimed with
    ``cache.add``. ``add`` is atomic on every backend (the database cache
    relies on the table's primary key), so two app servers can never claim
    the same slot, whereas ``incr`` on the database cache is a get then a
    set and would let a concurrent burst through.
    """
    limit, period = parse_rate(rate)
    now = time.time() if now is None else now
    window = math.floor(now / period)
    retry_after = max(1, math.ceil((window + 1) * period - now))
    cache = caches["shared"]
    keys = [f"{scope}:{client_bucket(ip)}:{window}:{slot}" for slot in range(limit)]
    taken = cache.get_many(keys)
    for key in keys:
        if key not in taken and cache.add(key, 1, timeout=period + 1):
            return Allowance(allowed=True, retry_after=0)
    return Allowance(allowed=False, retry_after=retry_after)


def slots_left(scope, ip, rate, *, now=None):
    """How many events of ``scope`` ``ip`` may still have in this window, without taking one."""
    limit, period = parse_rate(rate)
    now = time.time() if now is None else now
    window = math.floor(now / period)
    keys = [f"{scope}:{client_bucket(ip)}:{window}:{slot}" for slot in range(limit)]
    return limit - len(caches["shared"].get_many(keys))

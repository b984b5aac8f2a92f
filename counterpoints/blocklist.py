"""
The blocklist: patterns moderators manage in the admin (an e-mail address or
domain, an IP address or IPv4/IPv6 network, a word or phrase, a linked
domain). A counterpoint that matches one is stored as spam at once: never
public, never mailed to moderators, counted on the entry. Its submitter is
told exactly what everyone is told ("awaits review"), so the blocklist is
no oracle for finding out what is blocked.
"""

import ipaddress
import re

from django.db.models import F
from django.utils import timezone

from .models import BlockedPattern, normalise_email, normalise_pattern

Kind = BlockedPattern.Kind

# Hosts of links in Markdown text: http(s) URLs, autolinks, bare www. names.
LINKED_HOST = re.compile(r"(?:https?://|\bwww\.)([^\s/?#<>()\[\]\"'`]+)", re.IGNORECASE)


def _in_domain(host, domain):
    return host == domain or host.endswith("." + domain)


def _linked_hosts(text):
    hosts = set()
    for match in LINKED_HOST.finditer(text or ""):
        host = match.group(1).split("@")[-1].split(":")[0].rstrip(".,;!").lower()
        hosts.add(host.removeprefix("www."))
    return hosts


def _ip_in(ip, network):
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(network)
    except ValueError:
        return False


def find_match(*, author_email="", ip_address=None, author_name="", author_website="", body=""):
    """
    The first blocklist entry a submission matches, or None (one query).
    Words are looked for in what the reader wrote (name, website, body),
    not in the passage of the post they quote.
    """
    entries = list(BlockedPattern.objects.all())
    if not entries:
        return None
    email = normalise_email(author_email)
    email_domain = email.rpartition("@")[2]
    text = " ".join(" ".join([author_name, author_website, body]).split()).casefold()
    hosts = _linked_hosts(f"{body} {author_website}")
    for entry in entries:
        if entry.kind == Kind.EMAIL and email:
            hit = email == entry.value if "@" in entry.value else _in_domain(email_domain, entry.value)
        elif entry.kind == Kind.IP and ip_address:
            hit = _ip_in(ip_address, entry.value)
        elif entry.kind == Kind.WORD:
            hit = re.search(rf"(?<!\w){re.escape(entry.value)}(?!\w)", text) is not None
        elif entry.kind == Kind.LINK:
            hit = any(_in_domain(host, entry.value) for host in hosts)
        else:
            hit = False
        if hit:
            return entry
    return None


def count_hit(entry):
    BlockedPattern.objects.filter(pk=entry.pk).update(hits=F("hits") + 1, last_hit_at=timezone.now())


def entries_for_submitter(counterpoint):
    """The entries that ban a counterpoint's submitter: their address and their IP."""
    entries = []
    if counterpoint.author_email:
        entries.append((Kind.EMAIL, normalise_email(counterpoint.author_email)))
    if counterpoint.ip_address:
        entries.append((Kind.IP, normalise_pattern(Kind.IP, counterpoint.ip_address)))
    return entries

"""
Measuring the generated sites: what ``make bench`` reports.

- ``page_facts``: each page's URL, queries, size and in-process uncached
  time, from bench/pages.py run against each site.
- ``uncached``: wrk against every site at once (one gunicorn each, page
  cache off), page by page, the sites compared in turn within each round.
- ``cached``: the large site with the page cache on, each page alternating
  with its own bytes served as a static file by the same server (its
  "static twin", the ceiling a cached page can approach).
- ``freshness``: a moderator approves a counterpoint through the admin (the
  service function, in one request); is it on the next anonymous request?

The machine may be shared: every figure is the best of several rounds, and
the runs being compared alternate, so a burst of other load does not land
on one side only.
"""

import contextlib
import http.cookiejar
import json
import secrets
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from .serve import app_env, gunicorn, manage, python

PAGES = ["home", "post", "tag", "hindsight", "search", "feed"]
CLAIM_PAGES = ["post", "hindsight"]  # measured on the claims sites too (issue 16)
# Each site is compared with the small site of its shape.
BASELINE = {"large": "small", "claims": "small_claims"}
WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
MODERATOR = "bench-moderator"
FRESHNESS_WAIT = 3  # seconds to keep looking for a change not on the next request


def page_facts(sites, *, static_root, rounds):
    """
    {site: bench/pages.py's facts}, its in-process times the best of
    ``rounds`` runs, the sites taking turns.
    """
    facts = {}
    for _ in range(rounds):
        for site, url in sites.items():
            env = app_env(url, static_root=static_root, PAGE_CACHE_SECONDS=0)
            pages = json.loads(python(env, "-m", "bench.pages"))
            for name, page in facts.get(site, {}).items():
                pages[name]["ms"] = min(pages[name]["ms"], page["ms"])
            facts[site] = pages
    return facts


def static_path(name):
    return f"/static/bench/{name}.html"


def fetch(url, opener=None, data=None):
    opener = opener or urllib.request.build_opener()
    with opener.open(url, data=data, timeout=60) as response:
        assert response.status == 200, (url, response.status)
        return response.read()


def wrk(url, *, duration, connections):
    """wrk against one URL: requests per second and latency percentiles (ms)."""
    for _ in range(3):  # warm every worker's caches and connections
        fetch(url)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "-s", str(WRK_SCRIPT)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    report = json.loads(output[output.index("{") :])
    if sum(report["errors"].values()):
        raise SystemExit(f"wrk saw errors on {url}: {report['errors']}")
    if report["requests"] < 2:
        # Slower than the whole run: time two requests one after the other instead.
        times = []
        for _ in range(2):
            started = time.perf_counter()
            fetch(url)
            times.append(time.perf_counter() - started)
        return {"rps": 1 / max(times), "p50": min(times) * 1000, "p95": max(times) * 1000, "requests": 2}
    return {
        "rps": report["requests"] / (report["duration_us"] / 1e6),
        "p50": report["p50_us"] / 1000,
        "p95": report["p95_us"] / 1000,
        "requests": report["requests"],
    }


def interleaved(targets, *, rounds, duration, connections, say=print):
    """{(group, name): url} → {group: {name: the best of ``rounds`` wrk runs}}, each round in turn."""
    best = {}
    for round_number in range(rounds):
        for (group, name), url in targets.items():
            result = wrk(url, duration=duration, connections=connections)
            if (group, name) not in best or result["rps"] > best[group, name]["rps"]:
                best[group, name] = result
            say(f"  round {round_number + 1}: {name} ({group}) {result['rps']:,.1f} req/s")
    nested = {}
    for (group, name), result in best.items():
        nested.setdefault(group, {})[name] = result
    return nested


def uncached(sites, facts, *, static_root, workers, log_path, load):
    """Every site served at once, page cache off; returns (results by site, the large site's page bytes)."""
    with contextlib.ExitStack() as stack:
        bases = {
            site: stack.enter_context(
                gunicorn(
                    app_env(url, static_root=static_root, PAGE_CACHE_SECONDS=0),
                    workers=workers,
                    log_path=log_path,
                )
            )
            for site, url in sites.items()
        }
        targets = {
            (site, name): bases[site] + facts[site][name]["url"]
            for name in PAGES
            for site in bases
            if site in ("small", "large") or name in CLAIM_PAGES
        }
        results = interleaved(targets, **load)
        page_bytes = {name: fetch(bases["large"] + facts["large"][name]["url"]) for name in PAGES}
    return results, page_bytes


def cached(database_url, facts, page_bytes, *, static_root, workers, log_path, load):
    """The large site with its page cache on, each page against its static twin."""
    # whitenoise reads STATIC_ROOT when the server starts: the twins go first.
    for name, content in page_bytes.items():
        twin = Path(static_root) / static_path(name).removeprefix("/static/")
        twin.parent.mkdir(parents=True, exist_ok=True)
        twin.write_bytes(content)
    env = app_env(database_url, static_root=static_root, PAGE_CACHE_SECONDS=600)
    with gunicorn(env, workers=workers, log_path=log_path) as base:
        targets = {}
        for name in PAGES:
            assert fetch(base + static_path(name)) == page_bytes[name]
            targets["cached", name] = base + facts[name]["url"]
            targets["static", name] = base + static_path(name)
        return interleaved(targets, **load)


PENDING = """
import json
from blog.models import Post
from counterpoints.models import Counterpoint
post = Post.objects.published().order_by("-published_at", "-pk").first()
pending = Counterpoint.objects.filter(post=post, status=Counterpoint.Status.PENDING).order_by("pk")
print(json.dumps([[post.get_absolute_url(), pk] for pk in pending.values_list("pk", flat=True)]))
"""


def freshness(database_url, *, static_root, workers, log_path):
    """
    Approve each pending counterpoint of the newest post through the admin
    (one request, the service function) on a server with the page cache on,
    the post page cached just before; then read the page anonymously.
    """
    password = secrets.token_urlsafe(16)
    env = app_env(database_url, static_root=static_root, PAGE_CACHE_SECONDS=600)
    manage(env, "shell", "--no-imports", "-c", _MODERATOR.format(username=MODERATOR, password=password))
    pending = json.loads(manage(env, "shell", "--no-imports", "-c", PENDING))
    if not pending:
        raise SystemExit("The freshness check needs pending counterpoints on the newest post.")
    checks = []
    with gunicorn(env, workers=workers, log_path=log_path) as base:
        moderator = _signed_in(base, password)
        for post_url, pk in pending:
            marker = f'id="counterpoint-{pk}"'.encode()
            before = [marker in fetch(base + post_url) for _ in range(3)]  # cached by now
            _approve(moderator, base, pk)
            approved_at = time.monotonic()
            next_request = marker in fetch(base + post_url)
            checks.append(
                {
                    "counterpoint": pk,
                    "shown_before": any(before),
                    "next_request": next_request,
                    "visible_after_ms": _visible_after(base + post_url, marker, approved_at),
                }
            )
    return {"workers": workers, "checks": checks}


_MODERATOR = """
from django.contrib.auth import get_user_model
user, _ = get_user_model().objects.get_or_create(username="{username}", defaults={{"is_staff": True}})
user.is_staff = user.is_superuser = True
user.set_password("{password}")
user.save()
"""


def _signed_in(base, password):
    """A browser (cookie jar) signed in to the admin as the bench moderator."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    fetch(base + "/admin/login/", opener)
    form = {"username": MODERATOR, "password": password, "next": "/admin/", "csrfmiddlewaretoken": _csrf(jar)}
    fetch(base + "/admin/login/", opener, urllib.parse.urlencode(form).encode())
    assert any(cookie.name == "sessionid" for cookie in jar), "the bench moderator could not sign in"
    opener.jar = jar
    return opener


def _csrf(jar):
    return next(cookie.value for cookie in jar if cookie.name == "csrftoken")


def _approve(moderator, base, pk):
    form = {
        "action": "approve",
        "_selected_action": pk,
        "index": 0,
        "csrfmiddlewaretoken": _csrf(moderator.jar),
    }
    fetch(base + "/admin/counterpoints/counterpoint/", moderator, urllib.parse.urlencode(form).encode())


def _visible_after(url, marker, since):
    """Milliseconds from ``since`` until ``marker`` shows at ``url`` (None if not within FRESHNESS_WAIT)."""
    while time.monotonic() - since < FRESHNESS_WAIT:
        if marker in fetch(url):
            return round((time.monotonic() - since) * 1000)
        time.sleep(0.05)
    return None

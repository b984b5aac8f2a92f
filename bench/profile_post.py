"""
Profile the uncached post page in process (issue 11, item 7).

    .venv/bin/python -m bench.profile_post [--requests 200] [--cprofile]

Builds a throwaway SQLite site (the five seeds plus 20 posts sharing their
tags, a verdict and six approved counterpoints on the profiled post, a
series) in a temporary directory, then renders one seed's page through
Django's test client as a reader gets it when its stored copy is stale:

- cold: nothing cached or stored at all (the page cache and the stored
  parts off), as the first reader of a post under a new release gets it;
- after a change to the post itself (an edit, a tag), a verdict on it, an
  approval on it: the change's refresh (core.freshness) has drawn the
  parts it touched again and stored them (blog.views.redraw_post_pages),
  and the reader's process puts the page together from them;
- after a change to another post (a new post, a retitle): the page and
  what it shows of other posts (related posts, neighbours, its series)
  drawn again, its own article and counterpoints from their stored parts;
- after a change to this post that its refresh did not draw (one of more
  posts than REDRAWN_PER_CHANGE, an import): the page and every part of
  it drawn again by the reader;
- a process without the page: the page cache empty (another worker, a
  restart, an evicted copy) and the page's parts stored in the database
  (blog.StoredPart), as they are once any process has drawn them.

Each request is preceded, outside the timing, by the change's own refresh
(core.freshness.refresh_after_commit, run as a committed change runs it).
Reports CPU milliseconds per render (best and median of batches: other work
sharing the cores inflates wall time more), queries, ``{% include %}``
renders and template variable lookups per request. Needs nothing but the project and
its venv; nothing outside the temporary directory is touched.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

PROFILED_SLUG = "the-5-5-million-number-is-wrong-and-it-doesnt-matter"
EXTRA_POSTS = 20
APPROVED_COUNTERPOINTS = 6


def set_up_environment(directory, *, cached=False):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(directory) / 'profile.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", "profile-post-page-only")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_DEBUG"] = "0"  # as served: templates without debug information
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["PAGE_CACHE_SECONDS"] = "600" if cached else "0"  # 0: no page cache, no fragment cache
    os.environ["STATIC_ROOT"] = str(Path(directory) / "static")
    os.environ["MEDIA_ROOT"] = str(Path(directory) / "media")
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()


def build_site():
    from django.core.management import call_command
    from django.utils import timezone

    from blog.models import Hindsight, Post, Series, SeriesPart, Verdict
    from counterpoints.models import Counterpoint

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)  # the manifest the templates' URLs need
    call_command("load_seeds", verbosity=0)
    post = Post.objects.get(slug=PROFILED_SLUG)
    tags = list(post.tags.all())
    now = timezone.now()
    extras = []
    for n in range(EXTRA_POSTS):
        extra = Post.objects.create(
            title=f"Generated post {n}",
            slug=f"generated-post-{n}",
            dek=f"The dek of generated post {n}.",
            body=f"## Part {n}\n\nA paragraph with *emphasis* and a [link](https://example.com/{n}).\n" * 5,
            status=Post.Status.PUBLISHED,
            published_at=now - timedelta(days=n + 1),
        )
        extra.tags.set(tags[: 1 + n % len(tags)] if tags else [])
        extras.append(extra)
    if not post.hindsights.exists():
        Hindsight.objects.create(post=post, verdict=Verdict.NAILED_IT, note="Judged.", decided_at=now)
    for n in range(APPROVED_COUNTERPOINTS):
        Counterpoint.objects.create(
            post=post,
            stance=Counterpoint.Stance.PUSH_BACK,
            author_name=f"Reader {n}",
            author_website=f"https://reader{n}.example.com/" if n % 2 else "",
            body=f"Counterpoint {n}: the *argument* does not hold, see [this](https://example.org/{n}).",
            quote="A passage of the post." if n % 3 == 0 else "",
            status=Counterpoint.Status.APPROVED,
            submitted_at=now - timedelta(hours=n + 1),
        )
    series = Series.objects.create(title="A series", slug="a-series", description="Parts in order.")
    for order, part in enumerate([extras[1], post, extras[0]], start=1):
        SeriesPart.objects.create(series=series, post=part, position=order)
    return post


class Counters:
    """Counts ``{% include %}`` renders and variable lookups while active."""

    def __init__(self):
        from django.template import base, loader_tags

        self.includes = self.lookups = 0
        self._include = loader_tags.IncludeNode.render
        self._lookup = base.Variable._resolve_lookup
        counters = self

        def include(node, context):
            counters.includes += 1
            return counters._include(node, context)

        def lookup(variable, context):
            counters.lookups += 1
            return counters._lookup(variable, context)

        self._patched = include, lookup

    def __enter__(self):
        from django.template import base, loader_tags

        loader_tags.IncludeNode.render, base.Variable._resolve_lookup = self._patched
        return self

    def __exit__(self, *exc):
        from django.template import base, loader_tags

        loader_tags.IncludeNode.render, base.Variable._resolve_lookup = self._include, self._lookup


def scenarios(post):
    """
    (name, before) for each way the post page's stored copy goes stale:
    ``before()`` is run ahead of each timed request, outside the timing.
    """
    from django.conf import settings
    from django.core.cache import caches

    from blog.models import Post
    from core.caching import Scope, invalidate_pages
    from core.freshness import refresh_after_commit

    path = post.get_absolute_url()
    other = Post.objects.published().exclude(pk=post.pk).first()

    def cold():
        settings.PAGE_CACHE_SECONDS = 0  # read at every request: no page cache, no stored parts

    def cached(change):
        def before():
            settings.PAGE_CACHE_SECONDS = 600
            change()

        return before

    def refreshed(post_id, scope):
        # Outside a transaction the refresh runs at once, as after a commit.
        return cached(lambda: refresh_after_commit(post_ids={post_id}, scope=scope))

    return [
        ("cold (nothing cached or stored)", cold),
        ("after a change to this post", refreshed(post.pk, Scope.SITE)),
        ("after a verdict on this post", refreshed(post.pk, Scope.POSTS)),
        ("after an approval on this post", refreshed(post.pk, Scope.RESPONSES)),
        ("after a change to another post", refreshed(other.pk, Scope.SITE)),
        ("after a change to this post, not drawn again", cached(lambda: invalidate_pages(paths={path}))),
        ("a process without the page (its parts stored)", cached(caches["default"].clear)),
    ]


def measure(url, *, requests, cprofile, before):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    before()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = len(response.content)
    client.get(url)  # the scenario's parts now cached (those it keeps)
    before()
    with CaptureQueriesContext(connection) as queries, Counters() as counters:
        client.get(url)
    # Read now: the next request's request_started signal empties the query log.
    sql = [query["sql"] for query in queries.captured_queries]
    batches = []
    batch = max(1, requests // 10)
    for _ in range(10):
        # CPU time of this process: other work sharing the cores inflates wall time, not this.
        spent = 0.0
        for _ in range(batch):
            before()
            started = time.process_time()
            client.get(url)
            spent += time.process_time() - started
        batches.append(spent * 1000 / batch)
    if cprofile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        for _ in range(batch):
            before()
            profiler.enable()
            client.get(url)
            profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return {
        "size": size,
        "queries": len(sql),
        "includes": counters.includes,
        "lookups": counters.lookups,
        "best": min(batches),
        "median": statistics.median(batches),
        "sql": sql,
    }


def measure_cached(url, *, requests, cprofile, static_root):
    """
    A cache hit of the post page against its static twin (the same bytes
    served by whitenoise), in alternating batches, each request from a
    visitor without cookies (as wrk is): CPU ms per request.
    """
    from django.test import Client

    page = Client().get(url)
    twin = Path(static_root) / "bench" / "post.html"
    twin.parent.mkdir(parents=True, exist_ok=True)
    twin.write_bytes(page.content)
    client = Client()  # a new handler: whitenoise finds the twin when it starts
    assert client.get("/static/bench/post.html").status_code == 200

    def batch_of(path, n):
        started = time.process_time()
        for _ in range(n):
            client.cookies.clear()
            response = client.get(path)
        assert response.status_code == 200, response.status_code
        return (time.process_time() - started) * 1000 / n

    hits, statics = [], []
    batch = max(1, requests // 10)
    for _ in range(10):
        hits.append(batch_of(url, batch))
        statics.append(batch_of("/static/bench/post.html", batch))
    if cprofile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        batch_of(url, batch)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return {"size": len(page.content), "hit": min(hits), "static": min(statics)}


def serve_and_load(url, *, page, rounds, duration):
    """
    The cached post page against its static twin under gunicorn (2 workers)
    and wrk (4 connections, no cookie jar), in alternating rounds: the best
    requests per second of each.
    """
    import re
    import socket
    import subprocess
    import urllib.request

    from django.conf import settings

    twin = Path(settings.STATIC_ROOT) / "bench" / "post.html"
    twin.parent.mkdir(parents=True, exist_ok=True)
    twin.write_bytes(page)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_COOKIES": "0"}
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", f"--bind=127.0.0.1:{port}", "--workers=2"]
    root = Path(__file__).resolve().parent.parent
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen(command, cwd=root, env=env, **quiet)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/robots.txt", timeout=2).close()
                break
            except OSError:
                time.sleep(0.2)
        rates = {"cached": 0.0, "static": 0.0}
        for _ in range(rounds):
            for name, path in (("cached", url), ("static", "/static/bench/post.html")):
                for _ in range(3):  # warm both workers
                    urllib.request.urlopen(base + path, timeout=10).close()
                command = ["wrk", "-t1", "-c4", f"-d{duration}s", base + path]
                output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
                rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
                rates[name] = max(rates[name], rate)
        return rates
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="renders to time (10 batches)")
    parser.add_argument("--cprofile", action="store_true", help="print cProfile's top functions too")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one render")
    parser.add_argument("--cached", action="store_true", help="time a cache hit against its static twin")
    parser.add_argument(
        "--gunicorn", type=int, metavar="ROUNDS", help="with --cached: load both with wrk under gunicorn"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="profile-post-") as directory:
        set_up_environment(directory, cached=args.cached)
        post = build_site()
        if args.cached and args.gunicorn:
            from django.test import Client

            url = post.get_absolute_url()
            rates = serve_and_load(url, page=Client().get(url).content, rounds=args.gunicorn, duration=3)
            print(f"post page under gunicorn: cached {rates['cached']:,.0f} req/s, static twin ", end="")
            print(f"{rates['static']:,.0f} req/s: {rates['cached'] / rates['static']:.0%}")
            print(f"  load average (1 min): {os.getloadavg()[0]:.1f}")
            return
        if args.cached:
            from django.conf import settings

            result = measure_cached(
                post.get_absolute_url(),
                requests=args.requests,
                cprofile=args.cprofile,
                static_root=settings.STATIC_ROOT,
            )
            print(f"post page, cached: {post.get_absolute_url()} ({result['size'] / 1024:.1f} KiB)")
            hit, static = result["hit"], result["static"]
            print(f"  CPU ms per hit: {hit:.3f}; its static twin: {static:.3f} (best batch)")
            print(f"  cached / static, as requests per second: {result['static'] / result['hit']:.0%}")
            print(f"  load average (1 min): {os.getloadavg()[0]:.1f}")
            return
        url = post.get_absolute_url()
        results = [
            (name, measure(url, requests=args.requests, cprofile=args.cprofile, before=before))
            for name, before in scenarios(post)
        ]
        from django.db import connection

        connection.close()
    load = os.getloadavg()[0]
    print(f"post page, uncached: {post.get_absolute_url()} ({results[0][1]['size'] / 1024:.1f} KiB)")
    for name, result in results:
        print(f"  {name}:")
        print(f"    CPU ms per render: best {result['best']:.2f}, median {result['median']:.2f} (10 batches)")
        print(f"    queries: {result['queries']}")
        print(f"    includes rendered: {result['includes']}")
        print(f"    variable lookups: {result['lookups']}")
        if args.queries:
            for sql in result["sql"]:
                print(f"      {sql[:200]}")
    print(f"  load average (1 min): {load:.1f}")


if __name__ == "__main__":
    main()

"""
Profile the uncached post page in process (issue 11, item 7).

    .venv/bin/python -m bench.profile_post [--requests 200] [--cprofile]

Builds a throwaway SQLite site (the five seeds plus 20 posts sharing their
tags, a verdict and six approved counterpoints on the profiled post, a
series) in a temporary directory, then renders one seed's page through
Django's test client with the page and fragment caches off, as a reader
gets it just after a change. Reports CPU milliseconds per render (best
and median of batches: other work sharing the cores inflates wall time
more), queries, ``{% include %}`` renders and template variable lookups
per request. Needs nothing but the project and its venv;
nothing outside the temporary directory is touched.
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


def set_up_environment(directory):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(directory) / 'profile.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", "profile-post-page-only")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_DEBUG"] = "0"  # as served: templates without debug information
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["PAGE_CACHE_SECONDS"] = "0"  # no page cache, no fragment cache
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


def measure(url, *, requests, cprofile):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = len(response.content)
    with CaptureQueriesContext(connection) as queries, Counters() as counters:
        client.get(url)
    # Read now: the next request's request_started signal empties the query log.
    sql = [query["sql"] for query in queries.captured_queries]
    batches = []
    batch = max(1, requests // 10)
    for _ in range(10):
        # CPU time of this process: other work sharing the cores inflates wall time, not this.
        started = time.process_time()
        for _ in range(batch):
            client.get(url)
        batches.append((time.process_time() - started) * 1000 / batch)
    if cprofile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(batch):
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="renders to time (10 batches)")
    parser.add_argument("--cprofile", action="store_true", help="print cProfile's top functions too")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one render")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="profile-post-") as directory:
        set_up_environment(directory)
        post = build_site()
        result = measure(post.get_absolute_url(), requests=args.requests, cprofile=args.cprofile)
        from django.db import connection

        connection.close()
    load = os.getloadavg()[0]
    print(f"post page, uncached: {post.get_absolute_url()} ({result['size'] / 1024:.1f} KiB)")
    print(f"  CPU ms per render: best {result['best']:.2f}, median {result['median']:.2f} (10 batches)")
    print(f"  queries: {result['queries']}")
    print(f"  includes rendered: {result['includes']}")
    print(f"  variable lookups: {result['lookups']}")
    print(f"  load average (1 min): {load:.1f}")
    if args.queries:
        for sql in result["sql"]:
            print(f"    {sql[:200]}")


if __name__ == "__main__":
    main()

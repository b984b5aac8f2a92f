"""
The pages the benchmark loads, and the queries each one makes.

    DATABASE_URL=… PAGE_CACHE_SECONDS=0 python -m bench.pages

Picks the URLs from the generated site (the newest post, the most used tag,
a search that matches a few percent of the posts) and renders each through
Django's test client under ``CaptureQueriesContext``, uncached, then times
it in process (best of TIMED_RUNS: no server, no load generator, so less
noisy than wrk on a shared machine). Prints one JSON object:
name → {url, queries, bytes, status, ms}.
"""

import json
import os
import sys
import time

import django

SEARCH_TERM = "inference"
TIMED_RUNS = 10


def bench_pages():
    from django.urls import reverse

    from blog.models import Post, published_tags

    newest = Post.objects.published().order_by("-published_at", "-pk").first()
    tag = published_tags(counted=True).order_by("-post_count", "name").first()
    return {
        "home": reverse("blog:post-list"),
        "post": newest.get_absolute_url(),
        "tag": reverse("blog:tag-detail", args=[tag.slug]),
        "hindsight": reverse("blog:hindsight"),
        "search": f"{reverse('blog:search')}?q={SEARCH_TERM}",
        "feed": reverse("blog:feed"),
    }


def count_queries(pages):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = {}
    for name, url in pages.items():
        client.get(url)  # warm: ContentTypes, the page generation, template loading
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        results[name] = {
            "url": url,
            "status": response.status_code,
            "queries": len(queries),
            "bytes": len(response.content),
            "ms": best_time(client, url) * 1000,
        }
        if name == "search":
            # A search that finds nothing would measure nothing.
            page = response.context and response.context.get("page_obj")
            results[name]["hits"] = page.paginator.count if page else 0
    return results


def best_time(client, url):
    """The fastest of TIMED_RUNS uncached renders of ``url``, in seconds."""
    times = []
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return min(times)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's hosts, in-memory mail
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    json.dump(count_queries(bench_pages()), sys.stdout)


if __name__ == "__main__":
    main()

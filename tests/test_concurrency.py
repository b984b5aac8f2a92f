"""
Integration: nothing a reader sends is lost when many send at once.

Each test starts the real app (``config.wsgi``, production settings) under
gunicorn with several worker processes on a free loopback port (through
bench/serve.py, the harness the benchmark uses too), against a
database of its own: a temporary SQLite file, or a temporary database on the
PostgreSQL server named by TEST_POSTGRES_URL. Twenty clients, each with its
own cookie jar, fetch the post page (CSRF cookie and token, the signed form
token) and post a counterpoint, ten times each, while readers load the home
page and the post page. Every submission must be accepted and stored exactly
once; no response may be a 5xx; no reader's page may fail.

With Django's default SQLite settings most of these writes failed with
"database is locked" (see README, "Concurrency"); the IMMEDIATE
transactions, WAL journal and busy timeout in config/settings.py are what
these tests hold in place.
"""

import contextlib
import http.cookiejar
import os
import re
import secrets
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench import serve
from bench.serve import manage

pytestmark = pytest.mark.integration

WORKERS = 16
WRITERS = 20
SUBMISSIONS_PER_WRITER = 10
READERS = 3
POST_SLUG = "under-load"
REQUEST_TIMEOUT = 30

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_ISSUED = re.compile(r'name="issued" value="([^"]+)"')


def env_flag(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def app_env(database_url, static_root):
    """The benchmark's production settings, with flood control opened for one loopback address."""
    return serve.app_env(
        database_url,
        static_root=static_root,
        MODERATOR_EMAILS="moderators@example.com",
        # Everyone here shares 127.0.0.1: let them all through flood control.
        COUNTERPOINT_RATE_LIMIT="1000/3600",
        COUNTERPOINT_MIN_SECONDS="0",
    )


CREATE_POST = f"""
from datetime import timedelta
from django.utils import timezone
from blog.models import Post
Post.objects.create(
    title="A post under load", slug="{POST_SLUG}", status="published",
    published_at=timezone.now() - timedelta(days=1),
    body="Twenty readers disagree with this at once.",
)
"""


def prepare_database(env):
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "shell", "-c", CREATE_POST)


def gunicorn(env, log_path):
    # Import the app once, then fork: sixteen imports on two cores take seconds.
    return serve.gunicorn(env, workers=WORKERS, log_path=log_path, preload=True, ready_within=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let the test see the 302 itself."""

    def redirect_request(self, *args, **kwargs):
        return None


def browser():
    """A client with its own cookie jar, as one reader's browser."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
    )


def fetch(opener, url, data=None):
    """(status, body) whatever the status; network errors propagate."""
    encoded = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=encoded, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.read().decode("utf-8", "replace"), response.headers
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8", "replace"), error.headers


def writer(base_url, number):
    """Fetch the form and send a counterpoint, SUBMISSIONS_PER_WRITER times."""
    opener = browser()
    post_url = f"{base_url}/posts/{POST_SLUG}/"
    results = []
    for attempt in range(SUBMISSIONS_PER_WRITER):
        status, html, _ = fetch(opener, post_url)
        if status != 200:
            results.append(("form", status, None, html[:500]))
            continue
        body = f"Writer {number}, counterpoint {attempt}: the premise fails ({secrets.token_hex(8)})."
        form = {
            "csrfmiddlewaretoken": _CSRF.search(html).group(1),
            "issued": _ISSUED.search(html).group(1),
            "subject": "",
            "stance": "push_back",
            "author_name": f"Writer {number}",
            "author_email": "",
            "author_website": "",
            "quote": "",
            "body": body,
        }
        status, html, headers = fetch(opener, f"{base_url}/posts/{POST_SLUG}/counterpoints/", form)
        results.append(("submit", status, (body, headers.get("Location")), html[:500]))
    return results


def reader(base_url, stop, results):
    opener = browser()
    paths = ["/", f"/posts/{POST_SLUG}/"]
    n = 0
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        try:
            status, _, _ = fetch(opener, base_url + path)
        except OSError as error:
            status = repr(error)
        results.append((path, status))


def hammer(base_url):
    """Writers and readers at once; returns (writer results, reader results)."""
    stop = threading.Event()
    reads = []
    readers = [threading.Thread(target=reader, args=(base_url, stop, reads)) for _ in range(READERS)]
    for thread in readers:
        thread.start()
    try:
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            batches = list(pool.map(lambda n: writer(base_url, n), range(WRITERS)))
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
    return [result for batch in batches for result in batch], reads


def assert_nothing_lost(base_url, stored_bodies, log_path):
    writes, reads = hammer(base_url)
    log = Path(log_path).read_text()

    server_errors = [r for r in writes if r[1] >= 500] + [r for r in reads if r[1] != 200]
    assert server_errors == [], f"failed responses: {server_errors[:5]}\n--- server log ---\n{log[-4000:]}"

    submissions = [r for r in writes if r[0] == "submit"]
    assert len(submissions) == WRITERS * SUBMISSIONS_PER_WRITER
    refused = [r for r in submissions if r[1] != 302]
    assert refused == [], f"{len(refused)} submissions were not accepted, e.g. {refused[:3]}"
    assert {location for _, _, (_, location), _ in submissions} == {f"/posts/{POST_SLUG}/#counterpoint-sent"}
    assert len(reads) >= READERS, "the readers never got a page in"

    accepted = sorted(body for _, _, (body, _), _ in submissions)
    assert sorted(stored_bodies()) == accepted, "the database does not hold each accepted body exactly once"


def test_concurrent_submissions_on_sqlite_are_all_stored_once(tmp_path, static_root):
    database = tmp_path / "concurrency.sqlite3"
    env = app_env(f"sqlite:///{database}", static_root)
    prepare_database(env)

    def stored_bodies():
        with contextlib.closing(sqlite3.connect(database)) as db:
            return [row[0] for row in db.execute("SELECT body FROM counterpoints_counterpoint")]

    log_path = tmp_path / "gunicorn.log"
    with gunicorn(env, log_path) as base_url:
        assert_nothing_lost(base_url, stored_bodies, log_path)


@pytest.mark.postgres
def test_concurrent_submissions_on_postgresql_are_all_stored_once(tmp_path, static_root, postgres_database):
    env = app_env(postgres_database, static_root)
    prepare_database(env)

    def stored_bodies():
        import psycopg

        with psycopg.connect(postgres_database) as db:
            return [row[0] for row in db.execute("SELECT body FROM counterpoints_counterpoint")]

    log_path = tmp_path / "gunicorn.log"
    with gunicorn(env, log_path) as base_url:
        assert_nothing_lost(base_url, stored_bodies, log_path)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic once: with debug off, {% static %} needs the hashed manifest."""
    root = tmp_path_factory.mktemp("static")
    env = app_env(f"sqlite:///{root / 'unused.sqlite3'}", root)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return root


@pytest.fixture
def postgres_database():
    """A fresh database on the TEST_POSTGRES_URL server, dropped afterwards."""
    server_url = os.environ.get("TEST_POSTGRES_URL")
    if not server_url:
        if env_flag("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set.", pytrace=False)
        pytest.skip("set TEST_POSTGRES_URL=postgres://USER:PASSWORD@127.0.0.1:5432/postgres to run this")
    import psycopg

    name = f"expectedwrong_concurrency_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlparse(server_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""
Browser tests: Playwright for Python driving Debian's chromium against
pytest-django's ``live_server``.

Playwright's own browser download does not work on our machines, so the
tests launch the system chromium. Without it they skip, saying how to get it;
with ``REQUIRE_BROWSER=1`` (set by ``.ci/run``) they fail instead, so CI can
never pass by skipping. The same goes for axe-core, which ``make test``
installs from npm.
"""

import os

import pytest
from django.conf import settings
from django.core.cache import caches

from tests.support.browser import ARTIFACTS, AXE_JS, CHROMIUM, CHROMIUM_ARGS, DESKTOP, PageWatch, missing


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing(
            f"no chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) "
            "to run browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed: pip install -r requirements-test.txt to run browser tests")

    # Playwright's sync API keeps an event loop on this thread; Django's ORM
    # refuses to run beside one unless told that this is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _fresh_caches():
    """The live server shares this process's caches: no cached page may leak into the next test."""
    for alias in settings.CACHES:
        try:
            caches[alias].clear()
        except Exception:  # noqa: S112 - a database cache whose table does not exist yet
            continue


@pytest.fixture(autouse=True)
def _no_minimum_time(settings):
    """The signed timestamp refuses forms sent back within seconds; a test types faster than anyone."""
    settings.COUNTERPOINT_MIN_SECONDS = 0


@pytest.fixture
def watch():
    return PageWatch()


@pytest.fixture
def new_page(browser, live_server, watch):
    """``new_page(viewport=…, **context_options)``: a page in a fresh browser context, watched."""
    contexts = []

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch.attach(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def artifacts():
    """Where screenshots for people go (gitignored; CI can keep the folder)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.exists():
        missing(f"axe-core is not installed ({AXE_JS} is missing): run `npm ci` (make test does)")
    return AXE_JS.read_text(encoding="utf-8")

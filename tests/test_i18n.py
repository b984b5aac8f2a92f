"""
The interface in a second language (issue 15): one language per site, chosen
by ``LANGUAGE_CODE``; German ships complete with the English.
"""

import pytest
from django.core.cache import caches

from tests.support.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_caches():
    for alias in ("default", "shared"):
        caches[alias].clear()


def test_html_lang_follows_language_code(client, settings):
    make_post(title="Sprache")
    assert '<html lang="en-us"' in client.get("/").content.decode()

    settings.LANGUAGE_CODE = "de"
    assert '<html lang="de"' in client.get("/").content.decode()


def test_page_cached_in_one_language_is_not_served_in_other(client, settings, django_assert_max_num_queries):
    make_post(title="Zwischengespeichert")
    client.get("/")
    with django_assert_max_num_queries(0):
        assert '<html lang="en-us"' in client.get("/").content.decode()

    # The same cache (Redis, say), the site restarted with another language.
    settings.LANGUAGE_CODE = "de"
    page = client.get("/").content.decode()

    assert '<html lang="de"' in page

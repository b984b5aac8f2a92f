"""
Query budgets: what a page costs, measured the same way in every test.

Every list page, feed and admin changelist is checked to cost the same with
few rows and with many, so an N+1 fails. The page generation is read when a
test starts and kept for its whole length (tests/conftest.py,
tests/settings.py), so two measurements in one test count the same things.
"""

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext


def get_counting_queries(client, url, data=None, *, rendered=False):
    """
    ``client.get(url, data)``, checked to answer 200, and the SQL of each
    query it ran. ``rendered``: empty the page cache first, so that a page
    already seen is rendered again rather than answered from its stored copy.
    """
    if rendered:
        caches["default"].clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200, (url, data, response.status_code)
    return response, [query["sql"] for query in captured.captured_queries]


def query_count(client, url, data=None, *, rendered=False):
    """How many queries ``client.get(url, data)`` runs (see ``get_counting_queries``)."""
    return len(get_counting_queries(client, url, data, rendered=rendered)[1])

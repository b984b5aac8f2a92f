"""
The post page's stored parts (``StoredPart``): read in one query when the
page is drawn, the ones whose versions changed drawn again and written back
in one query after it.

    {% stored_part post-lead content_version post.check_back_by|is_past %}…{% endstored_part %}

A part is keyed by its name and the values after it: the versions of what it
shows (``core.caching.post_part_versions``), and anything else it depends on that
no change to the rows announces (a date passing). A reader who renders it
while a writer's transaction is open stores it under the versions read before
the render, which the writer's commit replaces: it never matches again.
"""

import hashlib
import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import OperationalError, connection
from django.utils import timezone

from .models import StoredPart

logger = logging.getLogger(__name__)


class PostParts:
    """The stored parts of ``post``'s page, for one render."""

    def __init__(self, post):
        self.post = post
        self._stored = None
        self._drawn = {}

    def get(self, name, key):
        if self._stored is None:
            drawn_since = timezone.now() - timedelta(seconds=settings.PAGE_PARTS_SECONDS)
            rows = StoredPart.objects.filter(post=self.post, drawn_at__gte=drawn_since)
            self._stored = {name: (key, html) for name, key, html in rows.values_list("name", "key", "html")}
        stored_key, html = self._stored.get(name, (None, None))
        return html if stored_key == key else None

    def put(self, name, key, html):
        self._drawn[name] = StoredPart(post=self.post, name=name, key=key, html=html, drawn_at=timezone.now())

    def save(self):
        """
        Write the parts drawn in this render (one query; none if all were
        stored), unless the database is busy with a writer: a reader never
        waits to store them (SQLite takes one writer at a time), the next
        reader does.
        """
        if not self._drawn:
            return
        parts, self._drawn = list(self._drawn.values()), {}
        try:
            with without_waiting():
                StoredPart.objects.bulk_create(
                    parts,
                    update_conflicts=True,
                    unique_fields=["post", "name"],
                    update_fields=["key", "html", "drawn_at"],
                )
        except OperationalError:  # "database is locked"
            logger.info("Post %s's page parts not stored: the database is busy.", self.post.pk)


@contextmanager
def without_waiting():
    """On SQLite, fail at once rather than wait for another writer's transaction to end."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    # A setting of the connection, not a query: straight to the driver.
    waits = connection.connection.execute("PRAGMA busy_timeout").fetchone()[0]
    connection.connection.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        connection.connection.execute(f"PRAGMA busy_timeout = {int(waits)}")


def part_key(values):
    return hashlib.sha256("\x1f".join(map(str, values)).encode()).hexdigest()

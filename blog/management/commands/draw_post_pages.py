"""
Draw and store every published post page's parts (blog.StoredPart), newest
first. A deploy that changes the code, the templates or the settings the
parts print makes every stored part stale; run this after it (after
``migrate``), and no reader draws a post page whole.
"""

import time

from django.core.management.base import BaseCommand

from blog.models import Post
from blog.views import draw_post_pages
from core.caching import post_parts_stored


class Command(BaseCommand):
    help = "Draw and store the parts of every published post page, newest first (run after a deploy)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, help="only the newest LIMIT posts (the ones readers open most)"
        )

    def handle(self, *args, limit=None, **options):
        if not post_parts_stored():
            self.stdout.write(
                "Nothing to store: the page cache is off (PAGE_CACHE_SECONDS=0) or DEBUG is on."
            )
            return
        posts = Post.objects.published().order_by("-published_at", "-pk").values_list("pk", flat=True)
        started = time.monotonic()
        drawn = draw_post_pages(posts[:limit] if limit else posts)
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Drew {drawn} post pages in {elapsed:.1f} s."))

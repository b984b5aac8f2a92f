"""
Import posts from another blog: a WordPress export (WXR), a Ghost JSON
export, a folder of Markdown files with YAML or TOML front matter (Jekyll,
Hugo, Eleventy, Astro, our seeds), or a folder written by ``export_site``.

Idempotent: an item already imported (by source id, then slug) is updated
only where it changed; comments and redirects are never added twice. An
item that cannot be imported is named, with its line where the format has
lines, and skipped; the rest are imported and the command exits non-zero.
``--dry-run`` does everything inside a transaction that is rolled back.
"""

import contextlib
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from transfer.items import ItemError
from transfer.media import MediaCopier
from transfer.services import save_item
from transfer.site import import_rest, import_tags
from transfer.sources import kind_of, read_items

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = "Import posts from a WordPress (WXR) or Ghost (JSON) export, or a folder of Markdown files."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="A .xml or .json export file, or a folder.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--include-pending",
            action="store_true",
            help="Also import comments still held for moderation on the old site (as pending counterpoints).",
        )
        parser.add_argument(
            "--author", help="User name that posts get when the export's author is not a user here."
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="A local copy of the old site's uploads folder: linked images are copied here "
            "(checked and re-encoded like uploads) and the links rewritten.",
        )

    def handle(self, source, dry_run, include_pending, author, media_dir, verbosity, **options):
        kind = kind_of(source)
        if kind is None:
            raise CommandError(
                f"{source}: not a WordPress export (WXR), a Ghost export (JSON) "
                "or a folder of Markdown files."
            )
        default_author = None
        if author:
            default_author = get_user_model().objects.filter(username=author).first()
            if default_author is None:
                raise CommandError(f"No user called {author!r}.")
        if media_dir and not media_dir.is_dir():
            raise CommandError(f"{media_dir} is not a folder.")
        # A dry run stores no files, so it leaves the links as they are.
        self.media = MediaCopier(media_dir) if media_dir and not dry_run else None
        self.verbosity = verbosity
        tally = {"created": 0, "updated": 0, "unchanged": 0, "counterpoints": 0, "redirects": 0}
        failures = []
        if verbosity >= 1:
            self.stdout.write(f"Importing {source} ({kind}){' (dry run)' if dry_run else ''}…")
        # A real import commits item by item, so the write lock is never held
        # for long and a crash keeps what came before it; a dry run is one
        # transaction, rolled back.
        with transaction.atomic() if dry_run else contextlib.nullcontext():
            if kind == "site":
                self._report(import_tags(source), failures)
            try:
                for number, item in enumerate(read_items(source, kind, include_pending=include_pending), 1):
                    self._import(item, tally, failures, default_author)
                    if verbosity >= 1 and number % PROGRESS_EVERY == 0:
                        self.stderr.write(
                            f"  … {number} items read", ending="\r" if sys.stderr.isatty() else "\n"
                        )
            except ItemError as error:  # the file itself is broken: what came before it stays imported
                failures.append(error.name)
                self.stderr.write(self.style.ERROR(str(error)))
            if kind == "site":
                self._report(import_rest(source, tally), failures)
            if dry_run:
                transaction.set_rollback(True)
        if self.media is not None:
            for name, reason in self.media.refused:
                self.stderr.write(self.style.WARNING(f"{name}: not copied, the link is kept: {reason}"))
            if verbosity >= 1:
                copied = sum(1 for url in self.media.stored.values() if url)
                self.stdout.write(f"{copied} image(s) from {media_dir} stored here.")
        self._summarise(source, tally, failures, dry_run)

    def _report(self, errors, failures):
        for error in errors:
            failures.append(error.split(":")[0])
            self.stderr.write(self.style.ERROR(error))

    def _import(self, item, tally, failures, default_author):
        if isinstance(item, ItemError):
            failures.append(item.name)
            self.stderr.write(self.style.ERROR(str(item)))
            return
        if self.media is not None:
            item.seed.body = self.media.localise(item.seed.body)
        try:
            result = save_item(item, default_author=default_author)
        except (DatabaseError, ValidationError, ValueError) as error:
            # save_item is atomic: this item is rolled back, the import goes on.
            failures.append(item.name)
            self.stderr.write(self.style.ERROR(f"{item.name}: {error}"))
            return
        tally[result["outcome"]] += 1
        tally["counterpoints"] += result["counterpoints"]
        tally["redirects"] += result["redirects"]
        if self.verbosity >= 2 or (self.verbosity >= 1 and result["outcome"] != "unchanged"):
            self.stdout.write(f"{result['outcome']:>9}  {item.seed.slug}  ({item.name})")

    def _summarise(self, source, tally, failures, dry_run):
        prefix = "Dry run: would have " if dry_run else ""
        summary = (
            f"{tally['created']} created, {tally['updated']} updated, {tally['unchanged']} unchanged; "
            f"{tally['counterpoints']} counterpoints and {tally['redirects']} redirects added"
        )
        if tally.get("claim verdicts"):
            summary += f", and {tally['claim verdicts']} claim verdicts"
        if self.verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"{prefix}{summary} from {source}."))
        if failures:
            raise CommandError(f"{len(failures)} item(s) not imported: {', '.join(failures)}")

"""
Load the seed posts (``seeds/*.md`` by default) into the database.

Idempotent: posts are matched by slug and only what changed is written. A
malformed file is reported by name with its problem and nothing from it is
loaded; the other files still load, and the command then exits non-zero.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from blog.seeds import SeedError, parse_seed, upsert_seed


class Command(BaseCommand):
    help = "Create or update posts from Markdown seed files with TOML front matter."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=settings.BASE_DIR / "seeds", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, directory, dry_run, verbosity, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory.")
        files = sorted(directory.glob("*.md"))
        if not files:
            raise CommandError(f"No seed files (*.md) in {directory}.")

        tally = {"created": 0, "updated": 0, "unchanged": 0}
        failures = []
        for path in files:
            try:
                seed = parse_seed(path.read_text(encoding="utf-8"))
                with transaction.atomic():
                    outcome = upsert_seed(seed)
                    if dry_run:
                        transaction.set_rollback(True)
            except (SeedError, UnicodeDecodeError) as error:
                failures.append(path.name)
                self.stderr.write(self.style.ERROR(f"{path.name}: {error}"))
                continue
            tally[outcome] += 1
            if verbosity >= 2 or (verbosity >= 1 and outcome != "unchanged"):
                self.stdout.write(f"{outcome:>9}  {seed.slug}  ({path.name})")

        prefix = "Dry run: would have " if dry_run else ""
        summary = ", ".join(f"{count} {outcome}" for outcome, count in tally.items())
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"{prefix}{summary} from {directory}."))
        if failures:
            raise CommandError(f"{len(failures)} seed file(s) not loaded: {', '.join(failures)}")

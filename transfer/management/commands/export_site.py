"""
Write everything the author and readers wrote into a folder, in open
formats (see transfer/site.py): posts as Markdown with TOML front matter,
counterpoints as JSON Lines, tags, redirects and media. ``import_posts``
reads the folder back. E-mail addresses only with ``--include-private``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.site import export_site


class Command(BaseCommand):
    help = "Export posts, counterpoints, tags, redirects and media into a folder import_posts can read."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--include-private",
            action="store_true",
            help="Also write readers' e-mail addresses and moderators' private notes.",
        )

    def handle(self, directory, include_private, verbosity, **options):
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise CommandError(f"{directory} exists and is not an empty folder; choose a new one.")
        counts = export_site(directory, include_private=include_private)
        if verbosity >= 1:
            written = ", ".join(f"{count} {kind}" for kind, count in counts.items())
            self.stdout.write(self.style.SUCCESS(f"Exported {written} to {directory}."))

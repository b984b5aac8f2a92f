"""Helpers for the import/export tests: run a command, and where the real fixtures live."""

import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

FIXTURES = Path(__file__).parent / "fixtures"
WORDPRESS_THEME_TEST = FIXTURES / "wordpress-theme-unit-test-data.xml"
WORDPRESS_SMALL = FIXTURES / "wordpress-small-export.xml"
GHOST = FIXTURES / "ghost-export.json"


def run(command, *args):
    """Run a management command; returns (stdout, stderr, error or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None

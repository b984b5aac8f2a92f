"""
Make sure a local admin account exists, and say how to log in.

The first run creates a superuser with a random password (never a fixed,
well-known one) and keeps it in a private file so later runs can repeat it.
"""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a local superuser with a random password if none exists, and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--password-file",
            type=Path,
            default=settings.BASE_DIR / "var" / "admin-password.txt",
            help="Where the generated password is kept (readable by you only).",
        )

    def handle(self, username, password_file, **options):
        User = get_user_model()
        login_url = f"{settings.SITE_URL}/admin/"
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is None:
            password = secrets.token_urlsafe(16)
            User.objects.create_superuser(username=username, email="", password=password)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(f"{username}\n{password}\n")
            os.chmod(password_file, 0o600)
            self.stdout.write(self.style.SUCCESS(f"Created the admin account '{username}'."))
        else:
            username = existing.get_username()
            password = None
            if password_file.exists():
                saved_user, _, rest = password_file.read_text().partition("\n")
                if saved_user == username and existing.check_password(rest.strip()):
                    password = rest.strip()
        self.stdout.write(f"Log in at {login_url} as '{username}'")
        if password:
            self.stdout.write(f"  password: {password}  (kept in {password_file})")
        else:
            self.stdout.write(f"  with your password (reset it: python manage.py changepassword {username})")

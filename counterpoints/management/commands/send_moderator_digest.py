"""
Queue the moderators' daily digest: how many counterpoints wait, and the
ones that came in during the last ``--hours`` (24). Meant for a daily timer
with ``MODERATOR_DIGEST=1``, which stops the mail per counterpoint; the
outbox sender (send_mail_outbox) then sends it.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from counterpoints.notifications import mail_moderator_digest


class Command(BaseCommand):
    help = "Queue one mail to the moderators about the counterpoints that came in lately."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="How far back 'new' reaches (default 24).")

    def handle(self, *, hours, verbosity, **options):
        with transaction.atomic():
            queued = mail_moderator_digest(since=timezone.now() - timedelta(hours=hours))
        if verbosity:
            self.stdout.write("Digest queued." if queued else "Nothing new: no digest.")

"""
Send the mail waiting in the outbox (counterpoints/outbox.py).

Run it every minute from a timer, or keep one running with ``--loop``.
A mail that cannot be sent stays in the outbox and is tried again later
(backing off up to an hour), so an SMTP outage loses nothing; one whose
address the server refuses for good, or that fails for two days, is given
up and stays in the outbox, marked, for the admin to see. Running
several at once is safe.
"""

import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import timezone

from counterpoints.models import OutboxMail
from counterpoints.outbox import deliver_due, prune_sent


class Command(BaseCommand):
    help = "Send the mail that is due in the outbox; with --loop, keep doing so."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, checking every --interval.")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between checks with --loop (default 5)."
        )
        parser.add_argument("--limit", type=int, default=100, help="Most mails sent per batch (default 100).")
        parser.add_argument("--dry-run", action="store_true", help="Say what is due and send nothing.")
        parser.add_argument(
            "--keep-days",
            type=int,
            default=30,
            help="Forget mail sent more than this many days ago (default 30; 0 keeps everything).",
        )

    def handle(self, *, loop, interval, limit, dry_run, keep_days, verbosity, **options):
        if dry_run:
            due = OutboxMail.objects.due().count()
            self.stdout.write(f"{due} mail(s) due; nothing sent (--dry-run).")
            return
        if keep_days:
            pruned = prune_sent(older_than=timezone.now() - timedelta(days=keep_days))
            if pruned and verbosity > 1:
                self.stdout.write(f"Forgot {pruned} mail(s) sent more than {keep_days} days ago.")
        if loop and verbosity:
            self.stdout.write(f"Sending the mail outbox every {interval:g} s (Ctrl-C to stop).")
        try:
            while True:
                try:
                    delivery = deliver_due(limit=limit)
                except DatabaseError as error:
                    if not loop:
                        raise
                    # A busy or restarting database: the loop outlives it.
                    self.stderr.write(self.style.ERROR(f"Database error, trying again: {error}"))
                    time.sleep(interval)
                    continue
                if delivery.failed:
                    self.stderr.write(
                        self.style.WARNING(
                            f"{delivery.failed} mail(s) could not be sent; they stay in the outbox "
                            "and will be tried again."
                        )
                    )
                if delivery.given_up:
                    self.stderr.write(
                        self.style.ERROR(
                            f"{delivery.given_up} mail(s) given up: refused for good, or failing for "
                            "two days (see the outbox in the admin)."
                        )
                    )
                if delivery.sent and verbosity:
                    self.stdout.write(self.style.SUCCESS(f"Sent {delivery.sent} mail(s)."))
                if not loop:
                    if not (delivery.sent or delivery.failed or delivery.given_up) and verbosity > 1:
                        self.stdout.write("Nothing to send.")
                    return
                if delivery.sent < limit:  # a full batch: more may be waiting right now
                    time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

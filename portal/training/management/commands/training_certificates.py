"""``manage.py training_certificates``: the daily certificate round.

Queues the round for the worker now, unless one is already waiting; each round then
queues the next a day later (``tasks.certificate_round_schedule``), so the worker keeps it
going with no cron. ``make demo`` and the release step (``migrate`` in
``scripts/docker-entrypoint.sh``) run it; ``--now`` runs a round in this process.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.training.tasks import certificate_round_schedule


class Command(BaseCommand):
    help = "Remind holders of certificates expiring within 30 days; reset expired completions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Run the round in this process, not the worker."
        )

    def handle(self, *args, now: bool = False, **options):
        if now:
            from portal.training.services import certificates_expire_and_remind

            done = certificates_expire_and_remind()
            self.stdout.write(
                f"Reminded {done['reminded']} holder(s); reset {done['reset']} completion(s)."
            )
            return
        if certificate_round_schedule():
            self.stdout.write("The certificate round is queued for the worker.")
        else:
            self.stdout.write("A certificate round is already queued; nothing added.")

"""``manage.py meeting_reminders``: the daily action reminder round.

Queues the round for the worker now unless one is waiting; each round queues the next a
day later (``tasks.action_reminders_schedule``). ``--now`` runs a round in this process.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.meetings.tasks import action_reminders, action_reminders_schedule


class Command(BaseCommand):
    help = "Remind owners of meeting actions due within 7 days or overdue (once a day)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Run the round in this process, not the worker."
        )

    def handle(self, *args, now: bool = False, **options):
        if now:
            done = action_reminders()
            self.stdout.write(f"Reminded {done['actions']} action(s), {done['emails']} e-mail(s).")
            return
        if action_reminders_schedule():
            self.stdout.write("The reminder round is queued for the worker.")
        else:
            self.stdout.write("A reminder round is already queued; nothing added.")

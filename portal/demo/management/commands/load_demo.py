"""Load the demo network (idempotent): ``manage.py load_demo``."""

from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from portal.dashboards.tasks import cube_prebuild
from portal.demo.alerts import demo_alerts_load
from portal.demo.dashboards import demo_dashboards_load
from portal.demo.meetings import demo_meetings_load
from portal.demo.network import ACCOUNTS, demo_network_load
from portal.demo.specimens import demo_specimens_load
from portal.demo.training import demo_training_load
from search.indexing_rebuild import index_rebuild

#: Steps run in order; later issues append theirs (specimens, alerts, courses ...).
STEPS = [
    ("Networks and accounts", demo_network_load),
    ("Specimen library", demo_specimens_load),
    ("Fraud alerts", demo_alerts_load),
    ("Training courses", demo_training_load),
    ("Network meetings", demo_meetings_load),
    ("Case statistics", demo_dashboards_load),
    # Built here, once, so that the first visitor of /dashboards/ does not wait for it.
    ("Protecting the dashboard tables…", cube_prebuild),
    ("Search index", index_rebuild),
]


class Command(BaseCommand):
    help = "Load the synthetic demo network. Running it again keeps data and adds nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="Don't list accounts.")

    def handle(self, *args, **options):
        with tqdm(
            STEPS,
            desc="Loading demo",
            unit="step",
            disable=options["verbosity"] < 1,
            file=self.stderr._out,
        ) as steps:
            for label, step in steps:
                steps.set_postfix_str(label)
                result = step()
                steps.write(f"  {label}: {result}")
        if options["quiet_accounts"]:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready. Accounts (password '{settings.DEMO_PASSWORD}'):"
            )
        )
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<13} {account.description}")

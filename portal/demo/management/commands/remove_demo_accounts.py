"""Delete the demo accounts (production refuses to start while they exist)."""

from django.core.management.base import BaseCommand

from portal.access.models import User


class Command(BaseCommand):
    help = "Delete every account created by load_demo."

    def handle(self, *args, **options):
        usernames = list(User.objects.filter(is_demo=True).values_list("username", flat=True))
        User.objects.filter(is_demo=True).delete()
        self.stdout.write(f"Deleted {len(usernames)} demo accounts: {', '.join(usernames) or '-'}")

"""The demo network of CONTRACT.md: networks, memberships and accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from portal.access.countries import countries_load
from portal.access.models import Country, Network, NetworkMembership, Role, User
from portal.access.services import user_roles_set

NETWORKS = {
    "andex": (
        "Asian Network for Document Examination",
        "Document examiners of South-East Asian border agencies sharing forgeries and "
        "reference material.",
        ["BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM"],
    ),
    "rnde-europe": (
        "Regional Network of Document Experts — Europe",
        "Document experts of European border agencies.",
        ["BEL", "EST", "FIN", "LUX", "NLD"],
    ),
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    country: str | None
    roles: tuple[str, ...]
    description: str
    first_name: str = ""
    last_name: str = ""
    superuser: bool = False


ACCOUNTS = [
    DemoAccount("admin", None, (), "superuser", "Network", "Administrator", superuser=True),
    DemoAccount(
        "expert.tha", "THA", (Role.EXPERT,), "document expert, Thailand", "Siriporn", "Expert"
    ),
    DemoAccount(
        "officer.tha", "THA", (Role.OFFICER,), "frontline officer, Thailand", "Anan", "Officer"
    ),
    DemoAccount(
        "officer.vnm", "VNM", (Role.OFFICER,), "frontline officer, Viet Nam", "Linh", "Officer"
    ),
    DemoAccount(
        "officer.fin",
        "FIN",
        (Role.OFFICER,),
        "frontline officer, Finland (rnde-europe only)",
        "Aino",
        "Officer",
    ),
    DemoAccount("trainer.phl", "PHL", (Role.TRAINER,), "trainer, Philippines", "Maria", "Trainer"),
    DemoAccount(
        "chair.andex",
        "PHL",
        (Role.CHAIR, Role.EXPERT),
        "chair of andex, Philippines",
        "Jose",
        "Chair",
    ),
]


@transaction.atomic
def demo_network_load() -> dict[str, int]:
    """Create or update the demo networks and accounts; running it twice adds nothing."""
    created = {"networks": 0, "accounts": 0}
    countries_load(Country)  # already loaded by migration; a flushed test database is not
    for slug, (name, description, codes) in NETWORKS.items():
        network, was_created = Network.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        created["networks"] += was_created
        for country in Country.objects.filter(code__in=codes):
            NetworkMembership.objects.get_or_create(network=network, country=country)
    for account in ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            username=account.username,
            defaults={"email": f"{account.username}@demo.invalid"},
        )
        user.first_name, user.last_name = account.first_name, account.last_name
        user.country_id = account.country
        user.is_superuser = user.is_staff = account.superuser
        user.is_demo = True
        user.is_active = True
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        user_roles_set(user=user, roles=list(account.roles))
        created["accounts"] += was_created
    chair = User.objects.get(username="chair.andex")
    Network.objects.filter(slug="andex").update(chair=chair)
    return created

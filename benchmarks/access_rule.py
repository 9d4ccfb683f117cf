"""The access rule's cost on a list page query: filtered by keys vs. unfiltered.

10,000 shared items over many countries and every level; an officer's first page (24
items, newest first) and total count, with ``rule.visible_to`` against the same query
without it. No goal is set by an issue yet: the ratio is reported so that a change to the
rule's query shows up as a change of ratio.
"""

from __future__ import annotations

import random

from tqdm import tqdm

from .harness import benchmark_database, setup_django, summary, timings

ITEMS = 10_000
REPEAT = 60


def populate(items: int) -> None:
    from portal.access import rule
    from portal.access.models import Country, Network
    from portal.demo.network import demo_network_load
    from tests.shareable_app.models import Notice

    demo_network_load()
    countries = list(Country.objects.values_list("code", flat=True))
    networks = list(Network.objects.all())
    random.seed(42)
    levels = ["country", "countries", "networks", "members", "public"]
    batch = [
        Notice(
            title=f"Bulletin {index}",
            owner_country_id=random.choice(countries),
            distribution_level=random.choice(levels),
        )
        for index in range(items)
    ]
    Notice.objects.bulk_create(batch, batch_size=2000)
    notices = list(Notice.objects.all())
    through_countries = Notice.shared_countries.through
    through_networks = Notice.shared_networks.through
    country_rows, network_rows = [], []
    for notice in notices:
        if notice.distribution_level == "countries":
            for code in random.sample(countries, 3):
                country_rows.append(through_countries(notice_id=notice.pk, country_id=code))
        elif notice.distribution_level == "networks":
            network_rows.append(
                through_networks(notice_id=notice.pk, network_id=random.choice(networks).pk)
            )
    through_countries.objects.bulk_create(country_rows, ignore_conflicts=True)
    through_networks.objects.bulk_create(network_rows, ignore_conflicts=True)
    # bulk_create sends no signals: write the keys the way a save would.
    for notice in tqdm(Notice.objects.all(), total=items, desc="Visibility keys", unit="item"):
        rule.sync_item_keys(notice)


def run() -> dict:
    setup_django()
    from django.db import connection

    with benchmark_database():
        populate(ITEMS)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        from portal.access import rule
        from portal.access.models import User
        from tests.shareable_app.models import Notice

        officer = User.objects.get(username="officer.vnm")
        rule.user_keys(officer)
        base = Notice.objects.order_by("-pk")

        def unfiltered():
            list(base[:24])
            base.count()

        def filtered():
            queryset = rule.visible_to(user=officer, queryset=base)
            list(queryset[:24])
            queryset.count()

        baseline = summary(timings(unfiltered, repeat=REPEAT))
        measured = summary(timings(filtered, repeat=REPEAT))
        visible = rule.visible_to(user=officer, queryset=base).count()
        result = {
            "benchmark": "access_rule",
            "database": connection.vendor,
            "items": ITEMS,
            "visible_to_officer": visible,
            "unfiltered": baseline,
            "filtered": measured,
            "ratio_p50": round(measured["p50_ms"] / baseline["p50_ms"], 2),
            "ratio_p95": round(measured["p95_ms"] / baseline["p95_ms"], 2),
        }
    return result

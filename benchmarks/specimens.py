"""The specimen library at 10,000 specimens, and rendition generation of a 12 MP photo.

Pages: the library page (first page of cards, with filters' choices), a specimen page
and its "similar images" block (fetched by the page after it loads), rendered through
the Django test client for an officer (the access rule filters) against the same pages
for a superuser (no filtering) in the same run and on the same data.

Renditions: a 12-megapixel JPEG resized to the thumbnail and display sizes by
``imaging.rendition_make`` (Pillow's ``draft`` + ``reduce``) against
``imaging.rendition_make_naive`` (full decode, then resize).
"""

from __future__ import annotations

import io
import random

from tqdm import tqdm

from .harness import benchmark_database, setup_django, summary, timings

SPECIMENS = 10_000
PAGE_REPEAT = 40
RENDITION_REPEAT = 8


def populate(count: int) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from PIL import Image

    from portal.access import rule
    from portal.access.models import Country, Network
    from portal.demo.network import demo_network_load
    from portal.specimens.imaging import HASH_BYTES, HASH_COUNT
    from portal.specimens.models import Specimen, SpecimenImage

    demo_network_load()
    countries = list(Country.objects.values_list("code", flat=True))
    networks = list(Network.objects.all())
    rng = random.Random(42)
    levels = ["country", "countries", "networks", "members", "public"]
    kinds = ["genuine", "forged"]
    types = ["passport", "id_card", "visa", "residence_permit"]
    Specimen.objects.bulk_create(
        [
            Specimen(
                title=f"Specimen {index} {rng.choice(types)}",
                owner_country_id=rng.choice(countries),
                issuing_country_id=rng.choice(countries),
                document_type=rng.choice(types),
                kind=(kind := rng.choice(kinds)),
                fraud_type="counterfeit" if kind == "forged" else "",
                distribution_level=rng.choice(levels),
            )
            for index in range(count)
        ],
        batch_size=2000,
    )
    # One small stored picture that every image row points at (the pages only build URLs).
    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (120, 90, 60)).save(buffer, "JPEG")
    name = storages["private"].save("specimens/originals/bench.jpg", ContentFile(buffer.getvalue()))
    specimens = list(Specimen.objects.all())
    SpecimenImage.objects.bulk_create(
        [
            SpecimenImage(
                specimen=specimen,
                file=name,
                light_source=light,
                width=64,
                height=40,
                hashes=rng.randbytes(HASH_COUNT * HASH_BYTES),
                sort_order=order,
            )
            for specimen in specimens
            for order, light in enumerate(("visible", "uv", "ir"))
        ],
        batch_size=3000,
    )
    through_countries = Specimen.shared_countries.through
    through_networks = Specimen.shared_networks.through
    country_rows, network_rows = [], []
    for specimen in specimens:
        if specimen.distribution_level == "countries":
            for code in rng.sample(countries, 3):
                country_rows.append(through_countries(specimen_id=specimen.pk, country_id=code))
        elif specimen.distribution_level == "networks":
            network_rows.append(
                through_networks(specimen_id=specimen.pk, network_id=rng.choice(networks).pk)
            )
    through_countries.objects.bulk_create(country_rows, ignore_conflicts=True)
    through_networks.objects.bulk_create(network_rows, ignore_conflicts=True)
    for specimen in tqdm(specimens, desc="Visibility keys", unit="specimen"):
        rule.sync_item_keys(specimen)


def _pages() -> dict:
    from django.db import connection
    from django.test import Client

    from portal.access.models import User
    from portal.specimens.models import Specimen
    from portal.specimens.selectors import specimens_visible_to

    officer = User.objects.get(username="officer.vnm")
    admin = User.objects.get(username="admin")
    sample = specimens_visible_to(user=officer).order_by("pk")[SPECIMENS // 4]
    clients = {}
    for label, user in (("officer", officer), ("superuser", admin)):
        client = Client()
        client.force_login(user)
        clients[label] = client

    def page(client, url):
        def get():
            response = client.get(url, HTTP_X_FRAGMENT="1")
            assert response.status_code == 200, (url, response.status_code)

        return get

    results: dict = {
        "database": connection.vendor,
        "specimens": Specimen.objects.count(),
        "visible_to_officer": specimens_visible_to(user=officer).count(),
    }
    for name, url in (
        ("library_page", "/specimens/"),
        ("library_page_filtered", "/specimens/?document_type=passport&kind=forged&sort=country"),
        ("specimen_page", sample.get_absolute_url()),
        # Loaded by the page's script afterwards: compares with every visible image.
        ("similar_images_block", f"/specimens/{sample.pk}/similar/"),
    ):
        measured = summary(timings(page(clients["officer"], url), repeat=PAGE_REPEAT))
        baseline = summary(timings(page(clients["superuser"], url), repeat=PAGE_REPEAT))
        results[name] = {
            "url": url,
            "officer_filtered": measured,
            "superuser_unfiltered": baseline,
            "ratio_p50": round(measured["p50_ms"] / baseline["p50_ms"], 2),
            "ratio_p95": round(measured["p95_ms"] / baseline["p95_ms"], 2),
        }
    restricted = (
        specimens_visible_to(user=officer).exclude(distribution_level="public").order_by("pk")
    )[SPECIMENS // 8]
    results["access_log"] = _access_log_cost(
        clients["officer"], restricted.get_absolute_url(), page
    )
    return results


def _access_log_cost(client, url: str, page) -> dict:
    """The specimen page of a restricted specimen with its read written to the access log
    against the same page with the write switched off, in the same run."""
    from unittest import mock

    from portal.access.models import AccessRecord

    before = AccessRecord.objects.count()
    measured = summary(timings(page(client, url), repeat=PAGE_REPEAT))
    written = AccessRecord.objects.count() - before
    assert written >= PAGE_REPEAT, "the page read a public specimen: nothing to log"
    with mock.patch("portal.access.audit.item_read", lambda **kwargs: None):
        baseline = summary(timings(page(client, url), repeat=PAGE_REPEAT))
    return {
        "url": url,
        "records_written": written,
        "with_access_log": measured,
        "without_access_log": baseline,
        "ratio_p50": round(measured["p50_ms"] / baseline["p50_ms"], 2),
        "ratio_p95": round(measured["p95_ms"] / baseline["p95_ms"], 2),
    }


def twelve_megapixel_jpeg() -> bytes:
    """A 4000 × 3000 photo-like JPEG (gradients, noise, fine lines), made in memory."""
    from PIL import Image, ImageDraw, ImageFilter

    base = Image.linear_gradient("L").resize((4000, 3000))
    noise = Image.effect_noise((4000, 3000), 40)
    image = Image.merge("RGB", (base, noise, base.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    draw = ImageDraw.Draw(image)
    for offset in range(0, 4000, 9):
        draw.line([(offset, 0), (4000 - offset, 3000)], fill=(20, 60, 120), width=1)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def _renditions() -> dict:
    from portal.specimens import imaging

    data = twelve_megapixel_jpeg()
    results: dict = {"source": "4000x3000 JPEG", "source_bytes": len(data)}
    for name in ("thumbnail", "display"):
        side = imaging.RENDITIONS[name]
        measured = summary(
            timings(
                lambda side=side: imaging.rendition_make(io.BytesIO(data), side),
                repeat=RENDITION_REPEAT,
                warmup=1,
            )
        )
        baseline = summary(
            timings(
                lambda side=side: imaging.rendition_make_naive(io.BytesIO(data), side),
                repeat=RENDITION_REPEAT,
                warmup=1,
            )
        )
        results[name] = {
            "longest_side": side,
            "draft_reduce": measured,
            "naive_full_decode": baseline,
            "ratio_p50": round(measured["p50_ms"] / baseline["p50_ms"], 3),
            "speedup_p50": round(baseline["p50_ms"] / measured["p50_ms"], 1),
        }
    return results


def run() -> dict:
    setup_django()
    result: dict = {"benchmark": "specimens", "renditions": _renditions()}
    with benchmark_database():
        populate(SPECIMENS)
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        result["pages"] = _pages()
    return result

"""Fixtures of the specimen tests: specimens made through the services, images in memory."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.access.distribution import Distribution, distribution_apply
from portal.specimens.models import Specimen
from portal.specimens.services import image_store


def picture(
    size=(480, 320), colour=(180, 40, 40), image_format="JPEG", seed: int | None = None, **save
) -> bytes:
    """An image made in memory (never a binary fixture); ``seed`` draws random blocks."""
    image = Image.new("RGB", size, colour)
    if seed is not None:
        import random

        rng = random.Random(seed)
        small = Image.new("RGB", (16, 10))
        small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(160)])
        image = small.resize(size, Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.save(out, image_format, **save)
    return out.getvalue()


@pytest.fixture
def make_specimen(users):
    def make(title="Specimen", owner="THA", distribution=None, kind="genuine", **fields):
        specimen = Specimen.objects.create(
            title=title,
            owner_country_id=owner,
            issuing_country_id=fields.pop("issuing_country", owner),
            document_type=fields.pop("document_type", "passport"),
            kind=kind,
            **fields,
        )
        distribution_apply(
            item=specimen, distribution=Distribution.from_data(distribution or {"level": "country"})
        )
        return specimen

    return make


@pytest.fixture
def add_image():
    def add(specimen, light="visible", **kwargs):
        data = kwargs.pop("data", None) or picture(seed=specimen.pk * 10 + len(light))
        return image_store(specimen=specimen, file=io.BytesIO(data), light_source=light, **kwargs)

    return add


@pytest.fixture
def private_files(monkeypatch):
    """The files this test stored (and left) in the private storage, to prove nothing was
    stored. Counted as they are saved rather than by listing the folder: other test runs
    on the machine share that folder."""
    from django.core.files.storage import FileSystemStorage

    saved = []
    save = FileSystemStorage._save

    def spy(storage, name, content):
        stored = save(storage, name, content)
        saved.append((storage, stored))
        return stored

    monkeypatch.setattr(FileSystemStorage, "_save", spy)

    def listing():
        return {storage.path(name) for storage, name in saved if storage.exists(name)}

    return listing

"""The Wagtail admin: experts add specimens with features and images for their own country."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from portal.specimens import imaging
from portal.specimens.models import GlossaryTerm, Specimen, SpecimenImage

from .conftest import picture
from .test_uploads import _jpeg_with_metadata

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/snippets/specimens/specimen/add/"


def _form(image_file, owner="FIN", shared_networks=(), **overrides):
    term = GlossaryTerm.objects.order_by("pk").first()
    data = {
        "title": "THA passport 2024 — admin",
        "issuing_country": "THA",
        "document_type": "passport",
        "icao_category": "td3",
        "series": "2024",
        "first_issued": "",
        "validity": "",
        "status": "in_circulation",
        "kind": "genuine",
        "fraud_type": "",
        "genuine_reference": "",
        "detection_points": "",
        "description": "",
        "owner_country": owner,
        "distribution_level": "networks",
        "features": inline_formset(
            [{"term": term.pk, "zone": "data page", "light_source": "uv", "note": "Glows"}]
        ),
        "images": inline_formset(
            [
                {
                    "file": image_file,
                    "light_source": "uv",
                    "zone": "data page",
                    "caption": "Under UV",
                    "regions": "[]",
                }
            ]
        ),
        "documents": inline_formset([]),
        **overrides,
    }
    form = nested_form_data(data)
    # Multiple-choice values go in as lists (nested_form_data would number them).
    form["shared_networks"] = list(shared_networks)
    return form


def test_expert_adds_a_specimen_with_an_image_for_their_own_country(client, users):
    from portal.access.models import Network

    client.force_login(users["expert.tha"])
    andex = Network.objects.get(slug="andex")
    upload = SimpleUploadedFile("IMG_0042.jpg", _jpeg_with_metadata(), content_type="image/jpeg")
    # The expert tries to give the item to Finland: the form keeps it with Thailand.
    response = client.post(ADD_URL, _form(upload, shared_networks=[andex.pk]))
    assert response.status_code == 302, response.context["form"].errors
    specimen = Specimen.objects.get()
    assert specimen.owner_country_id == "THA"
    assert specimen.distribution == {"level": "networks", "networks": ["andex"]}
    assert specimen.features.get().light_source == "uv"
    image = specimen.images.get()
    assert image.caption == "Under UV" and image.width == 640
    assert "IMG_0042" not in image.file.name
    with image.file.open("rb") as handle:
        stored = handle.read()
    assert b"SERIAL-0042-XYZ" not in stored and b"Exif" not in stored
    assert len(imaging.hashes_split(image.hashes)) == imaging.HASH_COUNT


def test_admin_refuses_a_bad_image_and_stores_nothing(client, users, private_files):
    client.force_login(users["expert.tha"])
    before = private_files()
    upload = SimpleUploadedFile("scan.jpg", b"GIF89a not really", content_type="image/jpeg")
    response = client.post(ADD_URL, _form(upload, distribution_level="members"))
    assert response.status_code == 200
    assert "not a photograph the library accepts" in response.content.decode()
    assert not Specimen.objects.exists() and not SpecimenImage.objects.exists()
    assert private_files() == before


def test_admin_checks_the_distribution(client, users):
    client.force_login(users["expert.tha"])
    upload = SimpleUploadedFile("a.png", picture(image_format="PNG"), content_type="image/png")
    response = client.post(ADD_URL, _form(upload, distribution_level="networks"))
    assert response.status_code == 200
    assert "needs a list of network slugs" in response.content.decode()
    assert not Specimen.objects.exists()


def test_officers_cannot_add_specimens_in_the_admin(client, users):
    client.force_login(users["officer.tha"])
    upload = SimpleUploadedFile("a.png", picture(image_format="PNG"), content_type="image/png")
    response = client.post(ADD_URL, _form(upload, distribution_level="members"))
    assert response.status_code in {302, 403}
    assert not Specimen.objects.exists()


def test_superuser_may_choose_the_owner(client, users):
    client.force_login(users["admin"])
    upload = SimpleUploadedFile("a.png", picture(image_format="PNG"), content_type="image/png")
    response = client.post(ADD_URL, _form(upload, owner="VNM", distribution_level="members"))
    assert response.status_code == 302
    assert Specimen.objects.get().owner_country_id == "VNM"


def test_usage_view_names_only_visible_references(client, users, make_specimen):
    genuine = make_specimen("Genuine THA", distribution={"level": "members"})
    make_specimen(
        "FIN-only forgery", owner="FIN", kind="forged", fraud_type="counterfeit",
        genuine_reference=genuine,
    )  # fmt: skip
    make_specimen("THA forgery", kind="forged", fraud_type="counterfeit", genuine_reference=genuine)
    client.force_login(users["expert.tha"])
    response = client.get(f"/admin/snippets/specimens/specimen/usage/{genuine.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "THA forgery" in html
    assert "FIN-only forgery" not in html
    client.force_login(users["admin"])
    html = client.get(f"/admin/snippets/specimens/specimen/usage/{genuine.pk}/").content.decode()
    assert "FIN-only forgery" in html

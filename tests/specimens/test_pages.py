"""The library, specimen, compare and glossary pages, and the private image file view."""

from __future__ import annotations

import pytest
from django.db import connection

from portal.access.models import AccessRecord
from portal.specimens.models import GlossaryTerm, SpecimenFeature

pytestmark = pytest.mark.django_db


def test_library_filters(client, users, make_specimen, add_image):
    make_specimen("THA passport", distribution={"level": "members"})
    visa = make_specimen(
        "VNM visa forgery", owner="VNM", document_type="visa", kind="forged",
        fraud_type="counterfeit", distribution={"level": "members"},
    )  # fmt: skip
    add_image(visa, "uv")
    client.force_login(users["officer.tha"])
    html = client.get("/specimens/").content.decode()
    assert "THA passport" in html and "VNM visa forgery" in html
    assert "2 specimens" in html
    html = client.get("/specimens/?kind=forged").content.decode()
    assert "VNM visa forgery" in html and "THA passport" not in html
    html = client.get("/specimens/?light_source=uv&issuing_country=vnm").content.decode()
    assert "VNM visa forgery" in html and "1 specimen match" in html
    html = client.get("/specimens/?document_type=id_card").content.decode()
    assert "No specimen matches these filters" in html


def test_library_query_count_does_not_grow(
    client, users, make_specimen, add_image, django_assert_max_num_queries
):
    client.force_login(users["officer.tha"])

    def queries_for_page():
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/specimens/").status_code == 200
        return len(captured)

    for number in range(3):
        add_image(make_specimen(f"S{number}", distribution={"level": "members"}))
    few = queries_for_page()
    for number in range(3, 30):
        add_image(make_specimen(f"S{number}", distribution={"level": "members"}))
    assert queries_for_page() == few
    with django_assert_max_num_queries(14):
        client.get("/specimens/")


def test_specimen_page_shows_header_features_and_viewer(client, users, make_specimen, add_image):
    term = GlossaryTerm.objects.create(
        slug="test-guilloche", term="Test guilloche", category="printing", definition="Lines."
    )
    specimen = make_specimen("THA passport", distribution={"level": "members"}, series="2019")
    SpecimenFeature.objects.create(
        specimen=specimen, term=term, zone="data page", light_source="uv", note="Fine lines"
    )
    for light in ("visible", "uv", "ir"):
        add_image(specimen, light, regions=[{"x": 0.1, "y": 0.1, "w": 0.2, "h": 0.2, "label": "L"}])
    client.force_login(users["officer.vnm"])
    html = client.get(specimen.get_absolute_url()).content.decode()
    assert 'data-light="uv"' in html and 'data-light="ir"' in html
    assert "/static/vendor/openseadragon/openseadragon.min.js" in html
    assert term.get_absolute_url() in html and "Fine lines" in html
    assert "Edit" not in html  # officers don't edit
    client.force_login(users["expert.tha"])
    assert (
        "/admin/snippets/specimens/specimen/edit/"
        in client.get(specimen.get_absolute_url()).content.decode()
    )


def test_compare_view_shows_forgery_beside_reference(client, users, make_specimen, add_image):
    reference = make_specimen("Genuine THA passport", distribution={"level": "members"})
    forgery = make_specimen(
        "Fake THA passport", distribution={"level": "members"}, kind="forged",
        fraud_type="counterfeit", genuine_reference=reference,
        detection_points="No UV fibres\nBlurred guilloche",
    )  # fmt: skip
    for specimen in (reference, forgery):
        add_image(specimen, "visible")
        add_image(specimen, "uv")
    client.force_login(users["officer.fin"])
    response = client.get(f"/specimens/{forgery.pk}/compare/?light=uv")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Genuine THA passport" in html and "Fake THA passport" in html
    assert 'id="left-images"' in html and 'id="right-images"' in html
    assert "data-sync" in html and "No UV fibres" in html
    assert response.context["initial_light"] == "uv"
    assert [value for value, _ in response.context["lights"]] == ["visible", "uv"]
    # The forgery page offers the comparison and its detection points.
    page = client.get(forgery.get_absolute_url()).content.decode()
    assert f"/specimens/{forgery.pk}/compare/" in page and "What gives it away" in page
    # The genuine page lists the forgery.
    assert "Fake THA passport" in client.get(reference.get_absolute_url()).content.decode()


def test_compare_needs_both_sides_visible(client, users, make_specimen):
    reference = make_specimen("Genuine", distribution={"level": "country"})
    forgery = make_specimen(
        "Forgery", distribution={"level": "members"}, kind="forged", fraud_type="forgery",
        genuine_reference=reference,
    )  # fmt: skip
    client.force_login(users["officer.vnm"])
    assert client.get(f"/specimens/{forgery.pk}/compare/").status_code == 404
    page = client.get(forgery.get_absolute_url()).content.decode()
    assert "not shared with your country" in page and "Genuine" not in page.split("<main")[1]
    client.force_login(users["officer.tha"])
    assert client.get(f"/specimens/{forgery.pk}/compare/").status_code == 200


def test_glossary_pages(client, users, make_specimen):
    term = GlossaryTerm.objects.create(
        slug="test-ovi", term="Test OVI", category="optically_variable", definition="Shifts."
    )
    shared = make_specimen("Shared one", distribution={"level": "members"})
    hidden = make_specimen("Hidden one", owner="FIN")
    for specimen in (shared, hidden):
        SpecimenFeature.objects.create(specimen=specimen, term=term)
    client.force_login(users["officer.tha"])
    assert "Test OVI" in client.get("/specimens/glossary/").content.decode()
    html = client.get(term.get_absolute_url()).content.decode()
    assert "Shifts." in html and "Shared one" in html and "Hidden one" not in html


def test_glossary_is_loaded_from_the_csv():
    from portal.specimens.glossary import glossary_rows

    rows = glossary_rows()
    assert len(rows) >= 40
    assert GlossaryTerm.objects.count() >= len(rows)
    categories = {row["category"] for row in rows}
    assert {"substrate", "uv", "ir", "mrz", "optically_variable", "printing"} <= categories


def test_image_file_headers_and_access_log(client, users, make_specimen, add_image):
    restricted = add_image(make_specimen("Members", distribution={"level": "members"}))
    public = add_image(make_specimen("Public", distribution={"level": "public"}))
    client.force_login(users["officer.vnm"])
    response = client.get(restricted.url("thumbnail"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Cookie" in response["Vary"]
    b"".join(response.streaming_content)
    entry = AccessRecord.objects.get()
    assert (entry.username, entry.country_code, entry.outcome, entry.channel) == (
        "officer.vnm", "VNM", "read", "file",
    )  # fmt: skip
    assert (entry.item_type, entry.object_id) == ("specimens.specimen", str(restricted.specimen_id))
    assert entry.detail == f"image {restricted.pk} thumbnail"
    b"".join(client.get(public.url("display")).streaming_content)
    assert AccessRecord.objects.count() == 1  # public images are not logged
    download = client.get(restricted.url("original") + "?download=1")
    assert download["Content-Disposition"].startswith("attachment;")
    assert AccessRecord.objects.count() == 2


def test_renditions_fit_their_size(client, users, make_specimen, add_image):
    from .conftest import picture

    image = add_image(make_specimen("Big"), data=picture(size=(3000, 2000), seed=9))
    client.force_login(users["officer.tha"])
    import io

    from PIL import Image

    for size, longest in (("thumbnail", 480), ("display", 1600), ("zoom", 3000)):
        data = b"".join(client.get(image.url(size)).streaming_content)
        assert max(Image.open(io.BytesIO(data)).size) == longest
    assert client.get(image.url("huge")).status_code == 404
    assert image.renditions.count() == 3


def test_x_accel_redirect_behind_nginx(client, users, make_specimen, add_image, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    andex = {"level": "networks", "networks": ["andex"]}
    image = add_image(make_specimen("Andex", distribution=andex))
    client.force_login(users["officer.vnm"])
    response = client.get(image.url("original"))
    assert response["X-Accel-Redirect"] == f"/_private/{image.file.name}"
    assert response.content == b""
    client.force_login(users["officer.fin"])
    response = client.get(image.url("original"))
    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_similar_images_load_after_the_page(client, users, make_specimen, add_image):
    from .conftest import picture

    data = picture(seed=77)
    first = make_specimen("First specimen", distribution={"level": "members"})
    twin = make_specimen("Twin specimen", distribution={"level": "members"})
    hidden = make_specimen("Hidden FIN specimen", owner="FIN")
    for specimen in (first, twin, hidden):
        add_image(specimen, data=data)
    client.force_login(users["officer.tha"])
    page = client.get(first.get_absolute_url()).content.decode()
    assert f'data-similar-url="/specimens/{first.pk}/similar/"' in page
    assert "Twin specimen" not in page  # not computed with the page
    fragment = client.get(f"/specimens/{first.pk}/similar/", HTTP_X_FRAGMENT="1")
    html = fragment.content.decode()
    assert "<html" not in html and "Twin specimen" in html and "Identical" in html
    assert "Hidden FIN specimen" not in html
    full = client.get(f"/specimens/{first.pk}/similar/").content.decode()
    assert "<html" in full and "Twin specimen" in full
    client.force_login(users["officer.fin"])
    assert client.get(f"/specimens/{first.pk}/similar/").status_code == 200
    html = client.get(f"/specimens/{hidden.pk}/similar/", HTTP_X_FRAGMENT="1").content.decode()
    assert "Twin specimen" in html  # FIN sees the members-level twins


def test_specimen_page_query_count_does_not_grow(client, users, make_specimen, add_image):
    from django.test.utils import CaptureQueriesContext

    specimen = make_specimen("Shown", distribution={"level": "members"})
    for light in ("visible", "uv", "ir"):
        add_image(specimen, light)
    client.force_login(users["officer.tha"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(specimen.get_absolute_url()).status_code == 200
        return len(captured)

    few = queries()
    for number in range(20):
        add_image(make_specimen(f"Other {number}", distribution={"level": "members"}))
    assert queries() == few

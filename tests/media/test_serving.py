"""Attached documents and images leave only through the file views, after their item's
rule: headers, the access log, X-Accel-Redirect, tokens, unknown kinds, query count."""

from __future__ import annotations

import pytest

from portal.access.models import AccessRecord
from portal.accounts.services import api_token_issue
from portal.media import registry

from .conftest import docx_bytes

pytestmark = pytest.mark.django_db

ANDEX = {"level": "networks", "networks": ["andex"]}


def test_a_pdf_opens_in_the_browser_and_an_office_file_downloads(
    client, users, make_specimen, attach
):
    specimen = make_specimen("Andex passport", distribution=ANDEX)
    pdf = attach(specimen, title="Issuing notice 2024")
    word = attach(specimen, data=docx_bytes(), title="Laboratory report")
    client.force_login(users["officer.vnm"])

    response = client.get(pdf.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="issuing-notice-2024.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "max-age=600" in response["Cache-Control"]
    assert {"Cookie", "Authorization"} <= {v.strip() for v in response["Vary"].split(",")}
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    response = client.get(word.url)
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"] == 'attachment; filename="laboratory-report.docx"'
    assert client.get(pdf.url + "?download=1")["Content-Disposition"].startswith("attachment")


def test_reads_and_refusals_of_documents_are_in_the_access_log(
    client, users, make_specimen, attach
):
    document = attach(make_specimen("Andex passport", distribution=ANDEX))
    client.force_login(users["officer.vnm"])
    assert client.get(document.url).status_code == 200
    client.force_login(users["officer.fin"])
    assert client.get(document.url).status_code == 404
    assert client.get(registry.kind_of(type(document)).url(10**9)).status_code == 404
    client.logout()
    assert client.get(document.url).status_code == 302
    rows = list(
        AccessRecord.objects.order_by("pk").values_list(
            "username", "outcome", "channel", "item_type", "object_id", "detail"
        )
    )
    assert rows == [
        (
            "officer.vnm", "read", "file", "specimens.specimen", str(document.specimen_id),
            f"document {document.pk}",
        ),
        (
            "officer.fin", "denied", "file", "specimens.specimendocument", str(document.pk),
            "not shared with the user; document",
        ),
        ("officer.fin", "denied", "file", "specimens.specimendocument", str(10**9),
         "no such item; document"),
        ("", "denied", "file", "specimens.specimendocument", str(document.pk),
         "not shared with the user; document"),
    ]  # fmt: skip


def test_public_documents_are_read_without_a_log_entry(client, make_specimen, attach):
    document = attach(make_specimen("Public passport", distribution={"level": "public"}))
    response = client.get(document.url)
    assert response.status_code == 200
    assert not AccessRecord.objects.exists()


def test_x_accel_redirect_behind_nginx(client, users, make_specimen, attach, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    document = attach(make_specimen("THA only"))
    client.force_login(users["officer.tha"])
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_private/" + document.file.name
    assert document.file.name.startswith("specimens/documents/")
    assert document.uuid.hex in document.file.name
    assert response.content == b""


def test_a_bearer_token_fetches_the_documents_the_api_lists(client, users, make_specimen, attach):
    specimen = make_specimen("Andex passport", distribution=ANDEX)
    attach(specimen, title="Notice")
    _, token = api_token_issue(user=users["officer.vnm"], name="VNM border system")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    data = client.get(f"/api/v1/specimens/{specimen.pk}", **bearer).json()
    [listed] = data["documents"]
    assert (listed["title"], listed["mime_type"]) == ("Notice", "application/pdf")
    response = client.get(listed["url"], **bearer)
    assert response.status_code == 200
    assert "sessionid" not in client.cookies
    _, finnish = api_token_issue(user=users["officer.fin"], name="FIN system")
    assert client.get(listed["url"], HTTP_AUTHORIZATION=f"Bearer {finnish}").status_code == 404


def test_kinds_and_sizes_that_do_not_exist_are_not_found(
    client, users, make_specimen, add_image, attach
):
    specimen = make_specimen("THA only")
    image = add_image(specimen)
    document = attach(specimen)
    client.force_login(users["officer.tha"])
    for url in (
        f"/files/no-such-kind/{document.pk}/",
        f"/files/specimen-images/{image.pk}/",  # an image is not a document
        f"/files/specimen-documents/{document.pk}/original/",  # nor a document an image
        f"/files/specimen-images/{image.pk}/huge/",
        f"/specimens/images/{image.pk}/huge/",
        f"/files/specimen-documents/{'9' * 30}/",
        f"/files/specimen-images/{'9' * 30}/original/",
        f"/specimens/images/{'9' * 30}/zoom/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(document.url).status_code == 405


def test_the_generic_image_url_follows_the_specimen_rule(client, users, make_specimen, add_image):
    image = add_image(make_specimen("Andex passport", distribution=ANDEX))
    url = registry.kind_of(type(image)).url(image.pk, "thumbnail")
    assert url == f"/files/specimen-images/{image.pk}/thumbnail/"
    client.force_login(users["officer.vnm"])
    assert client.get(url).status_code == 200
    client.force_login(users["officer.fin"])
    assert client.get(url).status_code == 404


def test_serving_a_file_costs_the_same_few_queries(
    client, users, make_specimen, attach, django_assert_max_num_queries
):
    specimen = make_specimen("Andex passport", distribution=ANDEX)
    documents = [attach(specimen, title=f"Notice {n}") for n in range(5)]
    client.force_login(users["officer.vnm"])
    client.get(documents[0].url)  # sessions, keys: warm once
    with django_assert_max_num_queries(8):
        response = client.get(documents[-1].url)
    assert response.status_code == 200


def test_registering_anything_but_media_of_a_shared_item_fails():
    from portal.specimens.models import GlossaryTerm, SpecimenFeature

    with pytest.raises(TypeError):
        registry.register(slug="terms", model=GlossaryTerm, item="specimen")
    with pytest.raises(LookupError):
        registry.kind_of(SpecimenFeature)

"""Attaching documents to an item in the Wagtail admin (the item's own edit form)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.test.utils.form_data import inline_formset

from portal.specimens.models import Specimen, SpecimenDocument
from tests.specimens.test_admin import ADD_URL, _form

from .conftest import docx_bytes, pdf_bytes, picture

pytestmark = pytest.mark.django_db


def _with_document(upload, title="Issuing notice"):
    image = SimpleUploadedFile("a.png", picture(image_format="PNG"), content_type="image/png")
    return _form(
        image,
        distribution_level="members",
        documents=inline_formset([{"title": title, "file": upload}]),
    )


def test_an_expert_attaches_a_document_stored_without_its_metadata(client, users):
    client.force_login(users["expert.tha"])
    upload = SimpleUploadedFile(
        "Jane's draft notice.docx", docx_bytes(), content_type="application/octet-stream"
    )
    response = client.post(ADD_URL, _with_document(upload))
    assert response.status_code == 302, response.context["form"].errors
    document = Specimen.objects.get().documents.get()
    assert document.title == "Issuing notice"
    assert document.mime_type.endswith("wordprocessingml.document")
    assert "Jane" not in document.file.name and document.file.name.endswith(".docx")
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert document.file_size == len(stored)
    core = zipfile.ZipFile(io.BytesIO(stored)).read("docProps/core.xml")
    assert b"Jane Officer" not in core

    # The edit form links the file through the rule-checked view.
    edit = client.get(f"/admin/snippets/specimens/specimen/edit/{document.specimen_id}/")
    assert edit.status_code == 200
    html = edit.content.decode()
    assert f'href="{document.url}"' in html
    assert f'href="/media/{document.file.name}"' not in html


def test_a_refused_document_is_named_and_nothing_is_stored(client, users, private_files):
    client.force_login(users["expert.tha"])
    upload = SimpleUploadedFile("notice.pdf", b"MZ\x90\x00 an executable", content_type="x")
    response = client.post(ADD_URL, _with_document(upload))
    assert response.status_code == 200
    assert "not a document the portal accepts" in response.content.decode()
    assert not Specimen.objects.exists() and not SpecimenDocument.objects.exists()
    assert private_files() == set()


def test_officers_cannot_attach_documents(client, users):
    client.force_login(users["officer.tha"])
    upload = SimpleUploadedFile("notice.pdf", pdf_bytes("x"), content_type="application/pdf")
    response = client.post(ADD_URL, _with_document(upload))
    assert response.status_code in {302, 403}
    assert not SpecimenDocument.objects.exists()

"""Wagtail's own image and document libraries are locked: no URL serves one of their
files (serve views, ``/documents/``, image serve URLs, renditions, admin previews and
choosers), their upload paths answer 404 and store nothing, and no code path can save a
row of theirs — their files would sit in public storage, outside the access rule."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from portal.media.signal_handlers import SwitchedOff

from .conftest import pdf_bytes, picture

pytestmark = pytest.mark.django_db

LIBRARIES = ("wagtail.images", "wagtail.documents")


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _module(callback) -> str:
    view = getattr(callback, "view_class", None) or callback
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return getattr(view, "__module__", "")


def _example_path(route: str) -> str:
    """A concrete path for a route: each parameter replaced by a plausible value."""
    path = re.sub(r"<(?:\w+:)?\w+>", "1", route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    return "/" + path.lstrip("^").replace("\\", "").rstrip("$")


def test_no_url_reaches_a_view_of_the_wagtail_libraries():
    """Every pattern the site has that belongs to Wagtail's image or document apps is
    shadowed: a path it would match resolves to the portal's switched-off view."""
    library_routes = [
        route
        for route, callback in _patterns(get_resolver().url_patterns)
        if _module(callback).startswith(LIBRARIES)
    ]
    assert len(library_routes) > 20  # the admin's: the walk does find them
    for route in library_routes:
        path = _example_path(route)
        match = resolve(path)
        assert match.url_name == "portal_switched_off", (route, path, match.url_name)


def test_their_public_serve_urls_are_not_routed(client, users):
    for name, args in (
        ("wagtaildocs_serve", [1, "file.pdf"]),
        ("wagtailimages_serve", ["signature", 1, "fill-100x100"]),
        ("wagtaildocs_authenticate_with_password", [1]),
    ):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=args)
    client.force_login(users["admin"])
    for path in (
        "/documents/1/file.pdf",
        "/documents/authenticate_with_password/1/",
        "/images/signature/1/fill-100x100/",
        "/media/images/file.jpg",
        "/media/original_images/file.jpg",
        "/media/documents/file.pdf",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("username", ["admin", "expert.tha"])
def test_upload_paths_answer_not_found_and_store_nothing(client, users, username):
    client.force_login(users[username])
    uploads = {
        "/admin/images/multiple/add/": {"files[]": SimpleUploadedFile("a.jpg", picture())},
        "/admin/images/add/": {"title": "x", "file": SimpleUploadedFile("a.jpg", picture())},
        "/admin/images/chooser/upload/": {
            "image-chooser-upload-title": "x",
            "image-chooser-upload-file": SimpleUploadedFile("a.jpg", picture()),
        },
        "/admin/documents/multiple/add/": {"files[]": SimpleUploadedFile("a.pdf", pdf_bytes("x"))},
        "/admin/documents/add/": {
            "title": "x",
            "file": SimpleUploadedFile("a.pdf", pdf_bytes("x")),
        },
        "/admin/documents/chooser/upload/": {
            "document-chooser-upload-title": "x",
            "document-chooser-upload-file": SimpleUploadedFile("a.pdf", pdf_bytes("x")),
        },
    }
    for path, data in uploads.items():
        assert client.post(path, data).status_code == 404, path
    for path in (
        "/admin/images/1/",
        "/admin/images/1/preview/fill-100x100/",
        "/admin/images/1/generate_url/fill-100x100/",
        "/admin/images/chooser/",
        "/admin/documents/edit/1/",
        "/admin/documents/chooser/",
        "/admin/api/main/images/",
        "/admin/api/main/documents/",
    ):
        assert client.get(path).status_code == 404, path
    assert not get_image_model().objects.exists()
    assert not get_document_model().objects.exists()


def test_no_code_path_can_save_a_library_row():
    image_model = get_image_model()
    with pytest.raises(SwitchedOff):
        image_model.objects.create(
            title="x", file=SimpleUploadedFile("a.jpg", picture()), width=320, height=200
        )
    with pytest.raises(SwitchedOff):
        get_document_model().objects.create(
            title="x", file=SimpleUploadedFile("a.pdf", pdf_bytes("x"))
        )
    with pytest.raises(SwitchedOff):
        image_model.get_rendition_model()(filter_spec="original", width=1, height=1).save()
    assert not image_model.objects.exists()

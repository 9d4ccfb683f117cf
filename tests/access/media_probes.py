"""The access matrix's media channels: files attached to an item (``portal.media``).

Any shared type with documents registers these probes; the item's maker attaches one
PDF with ``document_attach_to``. Each file answer is checked against the access log too:
a read of a restricted item's file is recorded, and so is every refusal.
"""

from __future__ import annotations

import io

from portal.access.models import AccessRecord

from .matrix import EDITORS, Probe, admin_user


def pdf_bytes(text: str) -> bytes:
    """A one-page PDF made in memory, with an author in its metadata."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Matrix Author", "/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def document_attach_to(item, documents: str = "documents"):
    """Attach a PDF titled after ``item`` through the platform service."""
    from portal.media.services import document_attach

    relation = type(item)._meta.get_field(documents)  # the reverse of the document's key
    document = relation.related_model(
        title=f"Attachment of {item.title}", **{relation.field.name: item}
    )
    return document_attach(document=document, file=io.BytesIO(pdf_bytes(item.title)))


def _logged(before: int, item, outcome: str) -> bool:
    return AccessRecord.objects.filter(pk__gt=before, channel="file", outcome=outcome).exists()


def _last_record() -> int:
    last = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def document_file_probe(*, bearer: bool, documents: str = "documents"):
    """An attached document's file URL (by session, or by an API token as a national
    system would): 200 with the cleaned PDF if the item is visible, 404 if not, anonymous
    visitors sent to sign in; the access log records the read or the refusal."""

    def see(client, item, user):
        from portal.access.audit import is_restricted

        document = getattr(item, documents).first()
        headers = {}
        if bearer and not user.is_anonymous:
            from portal.accounts.services import api_token_issue

            _, token = api_token_issue(user=user, name="matrix files")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            client.logout()
        before = _last_record()
        response = client.get(document.url, **headers)
        if response.status_code == 200:
            assert response["Content-Type"] == "application/pdf", response["Content-Type"]
            assert "private" in response["Cache-Control"]
            assert response["X-Content-Type-Options"] == "nosniff"
            body = b"".join(response.streaming_content)
            assert body.startswith(b"%PDF-") and b"Matrix Author" not in body
            assert _logged(before, item, "read") is is_restricted(item)
            return True
        if user.is_anonymous:
            assert response.status_code == 302, response.status_code
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404, response.status_code
            assert document.title not in response.content.decode()
        assert _logged(before, item, "denied")
        return False

    return Probe("media-document" + ("-bearer" if bearer else ""), see)


def api_documents_probe(url_pattern: str, documents: str = "documents"):
    """The item's API answer lists its document, with the file URL, only if visible."""

    def see(client, item, user):
        document = getattr(item, documents).first()
        response = client.get(url_pattern.format(pk=item.pk))
        if response.status_code != 200:
            assert response.status_code in {401, 404}, response.status_code
            assert document.title not in response.content.decode()
            return False
        listed = response.json()["documents"]
        assert [row["url"] for row in listed] == [document.url]
        return True

    return Probe("media-api", see)


def admin_documents_probe(documents: str = "documents"):
    """The item's edit form in the admin, where documents are attached: the document is
    named there only to the item's editors (others meet a refusal or a 404)."""

    def see(client, item, user):
        model = type(item)
        document = getattr(item, documents).first()
        url = f"/admin/snippets/{model._meta.app_label}/{model._meta.model_name}/edit/{item.pk}/"
        response = client.get(url)
        html = response.content.decode()
        named = document.title in html
        if user.username in EDITORS:
            assert response.status_code == 200, response.status_code
            assert named
            # The form links the file through the rule-checked view, never a storage URL.
            assert f'href="{document.url}"' in html
            assert f"/media/{document.file.name}" not in html
        else:
            assert not named, user.username
        return named

    return Probe("media-admin", see, reaches=admin_user, exact=False)


def generic_image_probe(size: str, images: str = "images"):
    """An image through the platform's own file URL (``/files/<kind>/<id>/<size>/``),
    which serves every registered image kind: the same answers as the type's own URL."""

    def see(client, item, user):
        from portal.media.registry import kind_of

        image = getattr(item, images).first()
        response = client.get(kind_of(type(image)).url(image.pk, size))
        if response.status_code == 200:
            assert response["Content-Type"].startswith("image/")
            assert "private" in response["Cache-Control"]
            b"".join(response.streaming_content)
            return True
        if user.is_anonymous:
            assert response.status_code == 302, response.status_code
            return False
        assert response.status_code == 404, response.status_code
        return False

    return Probe(f"media-image-{size}", see)


def media_probes(*, api_url: str | None = None, images: bool = False) -> list[Probe]:
    """Every media channel of a type with documents (and images, if it has them)."""
    probes = [
        document_file_probe(bearer=False),
        document_file_probe(bearer=True),
        admin_documents_probe(),
    ]
    if api_url:
        probes.append(api_documents_probe(api_url))
    if images:
        probes += [generic_image_probe("original"), generic_image_probe("zoom")]
    return probes


def image_attach_to(item, images: str = "images", **fields):
    """Give ``item`` one private image (random blocks made in memory) through the
    platform's checks, with ``fields`` (role, light, regions ...) set on the row."""
    import random

    from PIL import Image

    relation = type(item)._meta.get_field(images)
    rng = random.Random(item.pk)
    small = Image.new("RGB", (12, 8))
    small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(96)])
    out = io.BytesIO()
    small.resize((480, 320), Image.Resampling.NEAREST).save(out, "PNG")
    image = relation.related_model(**{relation.field.name: item}, **fields)
    image.prepared_store(image.prepare_upload(io.BytesIO(out.getvalue())))
    image.save()
    return image


def image_file_bearer_probe(size: str, images: str = "images"):
    """An image's file URL fetched with an API token (a national system): the same
    answers as by session, and the read or the refusal in the access log."""

    def see(client, item, user):
        from portal.access.audit import is_restricted
        from portal.media.registry import kind_of

        image = getattr(item, images).first()
        headers = {}
        if not user.is_anonymous:
            from portal.accounts.services import api_token_issue

            _, token = api_token_issue(user=user, name="matrix images")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            client.logout()
        before = _last_record()
        response = client.get(kind_of(type(image)).url(image.pk, size), **headers)
        if response.status_code == 200:
            assert response["Content-Type"].startswith("image/")
            assert "private" in response["Cache-Control"]
            b"".join(response.streaming_content)
            assert _logged(before, item, "read") is is_restricted(item)
            return True
        if user.is_anonymous:
            assert response.status_code == 302, response.status_code
            return False
        assert response.status_code == 404, response.status_code
        assert _logged(before, item, "denied")
        return False

    return Probe(f"media-image-{size}-bearer", see)


def api_images_probe(url_pattern: str, images: str = "images"):
    """The item's API answer lists its image with the rule-checked file URL, only if
    the item is visible (the same Bearer token then fetches it)."""

    def see(client, item, user):
        image = getattr(item, images).first()
        response = client.get(url_pattern.format(pk=item.pk))
        if response.status_code != 200:
            assert response.status_code in {401, 404}, response.status_code
            assert image.private_url() not in response.content.decode()
            return False
        listed = [row["url"] for row in response.json()["images"]]
        assert listed == [image.private_url()], listed
        return True

    return Probe("media-api-images", see)


def image_probes(*, api_url: str | None = None, images: str = "images") -> list[Probe]:
    """Every channel of a type's own images: each size by session, the original and a
    rendition by token, and the item's API listing."""
    probes = [
        generic_image_probe(size, images) for size in ("original", "thumbnail", "display", "zoom")
    ]
    probes += [
        image_file_bearer_probe("original", images),
        image_file_bearer_probe("display", images),
    ]
    if api_url:
        probes.append(api_images_probe(api_url, images))
    return probes


# === training: video probes (P-video; for a type with videos, e.g. courses) ===


def video_attach_to(item, videos: str = "videos", **fields):
    """Give ``item`` one tiny MP4 through the platform's checks (``videos.prepare``)."""
    from portal.media.videos import prepare
    from tests.media.video_bytes import mp4_bytes

    relation = type(item)._meta.get_field(videos)
    video = relation.related_model(**{relation.field.name: item}, **fields)
    video.prepared_store(prepare(io.BytesIO(mp4_bytes())))
    video.save()
    return video


def video_file_probe(*, bearer: bool, videos: str = "videos"):
    """A video's file URL asked for its first bytes as a player does (``Range``), by
    session or by an API token: 206 with those bytes if the item is visible, 404 if not,
    anonymous visitors sent to sign in; the access log records the read or the refusal."""

    def see(client, item, user):
        from portal.access.audit import is_restricted

        video = getattr(item, videos).first()
        headers = {"HTTP_RANGE": "bytes=0-15"}
        if bearer and not user.is_anonymous:
            from portal.accounts.services import api_token_issue

            _, token = api_token_issue(user=user, name="matrix videos")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            client.logout()
        before = _last_record()
        response = client.get(video.url, **headers)
        if response.status_code == 206:
            assert response["Content-Range"].startswith("bytes 0-15/")
            assert response["Content-Type"] == video.mime_type
            assert "private" in response["Cache-Control"]
            assert len(b"".join(response.streaming_content)) == 16
            assert _logged(before, item, "read") is is_restricted(item)
            return True
        if user.is_anonymous:
            assert response.status_code == 302, response.status_code
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404, response.status_code
        assert _logged(before, item, "denied")
        return False

    return Probe("media-video" + ("-bearer" if bearer else ""), see)


def video_probes(videos: str = "videos") -> list:
    """Every channel of a type's videos (its maker calls ``video_attach_to``)."""
    return [
        video_file_probe(bearer=False, videos=videos),
        video_file_probe(bearer=True, videos=videos),
    ]


# === end training: video probes ===

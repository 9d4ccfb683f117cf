"""The file views: every private file leaves through here, after its item's rule.

A file is found among the files of the items the user may see (one query: the item
model's ``rule.visible_to`` as a subquery); a file of an item the user may not see is a
404 exactly like one that does not exist (an anonymous visitor is sent to sign in), and
both the refusal and a read of a restricted item's file go to the access log. Responses
are ``Cache-Control: private`` and vary on the credentials. Behind nginx
(``PRIVATE_MEDIA_ACCEL_PREFIX``) the bytes go out through an internal X-Accel-Redirect
location; elsewhere Django streams them (videos by byte ranges, ``video_response``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from portal.access import audit, rule
from portal.access.views import hidden_asks_login

from . import images, registry, services, videos
from .registry import MediaKind

FILE = audit.Channel.FILE
#: How long a browser may keep a file it was allowed to read (a narrowed item's files
#: stay in that one browser's cache this long at most).
MAX_AGE = 600


def media_visible(*, request, kind: MediaKind, pk: int, detail: str) -> Model:
    """The file ``pk`` of ``kind`` if its item is visible to the user; ``Http404`` (and a
    refusal in the access log) otherwise."""
    items = rule.visible_to(user=request.user, queryset=kind.item_model._default_manager.all())
    try:
        return kind.model._default_manager.select_related(kind.item).get(
            pk=pk, **{f"{kind.item}__in": items.values("pk")}
        )
    except (kind.model.DoesNotExist, ValueError, TypeError, OverflowError):
        audit.item_denied(
            user=request.user, model=kind.model, object_id=pk, detail=detail, channel=FILE
        )
        raise Http404("No such file, or you may not see it.") from None


def file_response(
    request,
    *,
    stored: FieldFile,
    content_type: str,
    filename: str,
    inline: bool = True,
    stand_in: bool = False,
) -> HttpResponse:
    """Answer with a private file (X-Accel-Redirect behind nginx), never cached publicly.

    :param stand_in: the file stands in for one still being made: the browser must ask
        again rather than keep it.
    """
    accel_prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_PREFIX", "")
    if accel_prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel_prefix.rstrip("/") + "/" + stored.name
    else:
        response = FileResponse(stored.open("rb"), content_type=content_type)
    disposition = "inline" if inline and not request.GET.get("download") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if stand_in:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, private=True, max_age=MAX_AGE)
    patch_vary_headers(response, ["Cookie", "Authorization"])
    return response


def _default_image_filename(kind: MediaKind, image, size: str, extension: str) -> str:
    return f"{kind.slug}-{image.pk}-{size}.{extension}"


def image_response(
    request,
    *,
    kind: MediaKind,
    pk: int,
    size: str,
    filename: Callable[[Model, str, str], str] | None = None,
) -> HttpResponse:
    """An image of ``kind`` or one of its renditions, after the rule of its item.

    :param filename: ``(image, size, extension) -> name`` offered to the browser.
    """
    if size not in images.SIZES:
        raise Http404("Unknown image size.")
    image = media_visible(request=request, kind=kind, pk=pk, detail=size)
    stand_in = False
    if size == "original":
        stored = image.file
    else:
        rendition, stand_in = services.rendition_serve(image=image, name=size)
        stored = rendition.file
    audit.item_read(
        user=request.user, item=kind.item_of(image), detail=f"image {image.pk} {size}", channel=FILE
    )
    extension = stored.name.rsplit(".", 1)[-1]
    content_type = {"jpg": "image/jpeg", "png": "image/png"}.get(extension, "image/jpeg")
    name = (
        filename(image, size, extension)
        if filename
        else _default_image_filename(kind, image, size, extension)
    )
    response = file_response(
        request, stored=stored, content_type=content_type, filename=name, stand_in=stand_in
    )
    if stand_in:
        response["X-Rendition-Pending"] = size
    return response


def document_response(request, *, kind: MediaKind, pk: int) -> HttpResponse:
    """An attached document, after the rule of its item; PDFs open in the browser,
    office files download."""
    document = media_visible(request=request, kind=kind, pk=pk, detail="document")
    audit.item_read(
        user=request.user,
        item=kind.item_of(document),
        detail=f"document {document.pk}",
        channel=FILE,
    )
    extension = document.extension
    name = f"{slugify(document.title)[:80] or 'document'}.{extension}"
    return file_response(
        request,
        stored=document.file,
        content_type=document.mime_type,
        filename=name,
        inline=extension == "pdf",
    )


#: Bytes read at a time when Django streams a range of a video.
CHUNK = 64 * 1024


def _byte_range(stored: FieldFile, first: int, last: int):
    with stored.open("rb") as source:
        source.seek(first)
        left = last - first + 1
        while left > 0:
            chunk = source.read(min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def video_response(request, *, kind: MediaKind, pk: int) -> HttpResponse:
    """A video, after the rule of its item, answering byte ranges (``Range: bytes=...``:
    206 Partial Content, 416 past the end) as browsers ask when they seek.

    The access log records the start of a viewing (a request without a range, or from
    byte 0) rather than each of the many ranges a player asks for while it plays;
    refusals are all recorded. Behind nginx the X-Accel-Redirect answer carries no
    range: nginx answers the ``Range`` of the original request from the file itself.
    """
    video = media_visible(request=request, kind=kind, pk=pk, detail="video")
    header = request.headers.get("Range", "")
    size = video.file_size or video.file.size
    try:
        asked = None if request.headers.get("If-Range") else videos.range_of(header, size)
    except videos.RangeNotSatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response
    if asked is None or asked[0] == 0:
        audit.item_read(
            user=request.user,
            item=kind.item_of(video),
            detail=f"video {video.pk}",
            channel=FILE,
        )
    name = f"{kind.slug}-{video.pk}.{video.extension}"
    if asked is None or getattr(settings, "PRIVATE_MEDIA_ACCEL_PREFIX", ""):
        response = file_response(
            request, stored=video.file, content_type=video.mime_type, filename=name
        )
    else:
        first, last = asked
        response = StreamingHttpResponse(
            _byte_range(video.file, first, last), status=206, content_type=video.mime_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
        response["Content-Disposition"] = f'inline; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        patch_cache_control(response, private=True, max_age=MAX_AGE)
        patch_vary_headers(response, ["Cookie", "Authorization"])
    response["Accept-Ranges"] = "bytes"
    return response


@require_safe
@hidden_asks_login
def image_file(request, kind: str, pk: int, size: str):
    """``/files/<kind>/<id>/<size>/``: a registered image or rendition."""
    found = registry.kind(kind)
    if not found.is_image:
        raise Http404("No such file.")
    return image_response(request, kind=found, pk=pk, size=size)


@require_safe
@hidden_asks_login
def document_file(request, kind: str, pk: int):
    """``/files/<kind>/<id>/``: a registered attached document or video."""
    found = registry.kind(kind)
    if found.is_image:
        raise Http404("No such file.")
    if found.is_video:
        return video_response(request, kind=found, pk=pk)
    return document_response(request, kind=found, pk=pk)

"""Writing private media: renditions (inline or in the background), stored uploads."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django_tasks import TaskResultStatus

from . import images
from .models import AttachedDocument, PrivateImage, PrivateRendition

logger = logging.getLogger(__name__)


def inline_max_side() -> int:
    """Renditions up to this longest side are made inside the request that first asks
    for them; larger ones by a background task (``MEDIA_RENDITION_INLINE_MAX_SIDE``)."""
    return getattr(settings, "MEDIA_RENDITION_INLINE_MAX_SIDE", 1600)


def rendition_find(*, image: PrivateImage, name: str) -> PrivateRendition | None:
    return image.renditions.filter(name=name).first()


def rendition_get(*, image: PrivateImage, name: str) -> PrivateRendition:
    """The stored rendition ``name`` of ``image``, made now if it does not exist yet."""
    existing = rendition_find(image=image, name=name)
    if existing is not None:
        return existing
    with image.file.open("rb") as source:
        data, width, height = images.rendition_make(source, images.RENDITIONS[name])
    rendition = image.renditions.model(image=image, name=name, width=width, height=height)
    rendition.file.save(f"{name}.jpg", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:
        # Another request (or the task) made it meanwhile: keep theirs.
        rendition.file.storage.delete(rendition.file.name)
        return image.renditions.get(name=name)
    return rendition


def _pending_key(image: PrivateImage, name: str) -> str:
    return f"media:rendition-pending:{image._meta.label_lower}:{image.pk}:{name}"


def rendition_request(*, image: PrivateImage, name: str) -> None:
    """Ask the background worker for rendition ``name`` of ``image``, once while it is
    pending (a marker in the cache keeps a page of many viewers from queueing it again)."""
    from .tasks import rendition_make

    key = _pending_key(image, name)
    if not cache.add(key, True, timeout=600):
        return
    result = rendition_make.enqueue(model=image._meta.label_lower, pk=image.pk, name=name)
    if result.status == TaskResultStatus.FAILED:  # run at once, and failed: retry later
        cache.delete(key)
        logger.warning("rendition %s of %s %s failed", name, image._meta.label, image.pk)


def rendition_serve(*, image: PrivateImage, name: str) -> tuple[PrivateRendition, bool]:
    """The rendition to answer a request for ``name`` with, and whether it stands in for it.

    Small renditions are made in the request. A large one (a 4096-pixel zoom) is left to
    a background task: until it exists the largest inline size stands in, so no request
    waits for seconds of decoding. With a backend that runs tasks at once (the tests,
    a demo without a worker) the task has made it by the time this looks again.
    """
    if images.RENDITIONS[name] <= inline_max_side():
        return rendition_get(image=image, name=name), False
    existing = rendition_find(image=image, name=name)
    if existing is not None:
        return existing, False
    rendition_request(image=image, name=name)
    existing = rendition_find(image=image, name=name)
    if existing is not None:
        return existing, False
    inline = [n for n, side in images.RENDITIONS.items() if side <= inline_max_side()]
    stand_in = max(inline, key=images.RENDITIONS.__getitem__)
    return rendition_get(image=image, name=stand_in), True


def document_attach(
    *,
    document: AttachedDocument,
    file: Any,
    uploaded_by: Any = None,
) -> AttachedDocument:
    """Check, clean and store ``file`` as ``document`` (its item and title already set);
    ``ValidationError`` with a person's message, and nothing stored, if it is refused.

    No permission check: callers ask the rule whether the user may change the item.
    """
    from .documents import prepare

    document.prepared_store(prepare(file))
    if getattr(uploaded_by, "is_authenticated", False):
        document.uploaded_by = uploaded_by
    return saved_or_file_removed(document)


def saved_or_file_removed(media: Any) -> Any:
    """Save a media row whose file is already stored; if the row cannot be saved, the
    file goes too (no orphan file in the private storage)."""
    try:
        media.save()
    except Exception:
        media.file.storage.delete(media.file.name)
        raise
    return media

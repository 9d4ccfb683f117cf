"""Which media models belong to which shared items: one registration per media model.

The file views find a file through its registration: the media model, the lookup from a
file to its item (``"specimen"``, or ``"agenda_item__meeting"`` for a file hanging below
an item), and the item's model, whose visibility the access rule decides. A content type
registers in its ``AppConfig.ready()``::

    media.registry.register(slug="specimen-documents", model=SpecimenDocument,
                            item="specimen")
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.http import Http404
from django.urls import reverse

from portal.access.models import Shareable

from .models import AttachedDocument, PrivateImage, PrivateVideo


@dataclass(frozen=True)
class MediaKind:
    """A registered media model: what its files are and whose rule they follow."""

    #: The URL segment of its files: ``/files/<slug>/<id>/``.
    slug: str
    model: type[models.Model]
    #: The lookup from a file to its item (``Model.objects.filter(<item>__in=...)``).
    item: str
    item_model: type[Shareable]

    @property
    def is_image(self) -> bool:
        return issubclass(self.model, PrivateImage)

    @property
    def is_video(self) -> bool:
        return issubclass(self.model, PrivateVideo)

    def item_of(self, media: models.Model) -> Shareable:
        """The shared item ``media`` belongs to (follows the registered lookup)."""
        found = media
        for step in self.item.split("__"):
            found = getattr(found, step)
        return found

    def url(self, pk: int, size: str = "original") -> str:
        """The file's URL (images: the original or a rendition; documents and videos:
        ``/files/<kind>/<id>/``)."""
        if self.is_image:
            return reverse("media:image-file", kwargs={"kind": self.slug, "pk": pk, "size": size})
        return reverse("media:document-file", kwargs={"kind": self.slug, "pk": pk})


_KINDS: dict[str, MediaKind] = {}


def _item_model(model: type[models.Model], lookup: str) -> type[models.Model]:
    current = model
    for step in lookup.split("__"):
        current = current._meta.get_field(step).related_model
    return current


def register(*, slug: str, model: type[models.Model], item: str) -> MediaKind:
    """Register ``model`` (a ``PrivateImage``, ``AttachedDocument`` or ``PrivateVideo``
    subclass) as the media of the shared item reached by the ``item`` lookup."""
    if not issubclass(model, (PrivateImage, AttachedDocument, PrivateVideo)):
        raise TypeError(
            f"{model.__name__} is not a PrivateImage, an AttachedDocument or a PrivateVideo"
        )
    item_model = _item_model(model, item)
    if not issubclass(item_model, Shareable):
        raise TypeError(f"{model.__name__}.{item} leads to {item_model.__name__}, not shared")
    existing = _KINDS.get(slug)
    if existing is not None and existing.model is not model:
        raise ValueError(f"media slug {slug!r} is already {existing.model.__name__}'s")
    kind = MediaKind(slug=slug, model=model, item=item, item_model=item_model)
    _KINDS[slug] = kind
    return kind


def kind(slug: str) -> MediaKind:
    """The registration of ``slug``; a 404 for anything else (the URL names it)."""
    try:
        return _KINDS[slug]
    except KeyError:
        raise Http404("No such kind of file.") from None


def kind_of(model: type[models.Model]) -> MediaKind:
    for registered in _KINDS.values():
        if registered.model is model:
            return registered
    raise LookupError(f"{model.__name__} is not registered as media (portal.media.registry)")


def kinds() -> list[MediaKind]:
    return list(_KINDS.values())

"""Wagtail's own image and document libraries stay empty.

Their models are installed (the admin's templates need them) but their files would live
in the public storage and be served by Wagtail's views, outside the access rule. Their
URLs are switched off (``portal.access.admin_urls``); here, as a second wall, saving one
of their rows is refused, so no path — a script, a rich-text editor, a later app — can
put a file where the rule does not reach it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_save


class SwitchedOff(PermissionDenied):
    """Raised when something tries to store a file in a switched-off Wagtail library."""


def refuse_wagtail_library_file(sender, instance, **kwargs) -> None:
    raise SwitchedOff(
        f"Wagtail's {sender._meta.label} library is switched off: files would be served "
        "outside the access rule. Attach files to a shared item (portal.media) instead."
    )


def switched_off_models() -> list:
    """The models of Wagtail's image and document libraries (files, renditions)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    image_model = get_image_model()
    return [image_model, image_model.get_rendition_model(), get_document_model()]


def connect() -> None:
    for model in switched_off_models():
        pre_save.connect(
            refuse_wagtail_library_file, sender=model, dispatch_uid=f"switched-off-{model}"
        )

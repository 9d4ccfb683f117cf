"""Background work of private media (django-tasks): large renditions.

Plain module-level functions with plain arguments, so that any backend (immediate in the
tests and a demo without a worker, the database queue in production) can run them.
"""

from __future__ import annotations

from django.apps import apps

from portal.core.tasks import retrying_task


# Storage that fails for a moment (a network volume, a full disk being cleared) is worth
# another try with backoff; the rendition is made once (``rendition_get`` keeps the first).
@retrying_task(retry_on=(OSError,))
def rendition_make(*, model: str, pk: int, name: str) -> None:
    """Make rendition ``name`` of image ``pk`` of ``model`` (``"app_label.model"``), unless
    it exists already or the image was deleted meanwhile."""
    from .services import rendition_get

    image = apps.get_model(model)._default_manager.filter(pk=pk).first()
    if image is not None:
        rendition_get(image=image, name=name)

"""The admin widget that draws an image's marked regions instead of typing JSON.

It renders the field's ordinary ``<textarea>`` of JSON (kept, folded away, so the form
posts the same value with or without JavaScript) and an editor beside it that
``static/specimens/regions-editor.js`` builds: the image in OpenSeadragon, rectangles and
polygons drawn, moved, resized and deleted with Annotorious (npm
``@annotorious/openseadragon``, served from ``node_modules`` like every front-end package),
and a list of the regions — label, linked feature, order, delete — usable with the
keyboard. Each change is written back into the textarea as
``imaging.regions_check``'s format.

The image comes through the access-checked specimen image URL, found from the inline
form's ``id``: an image not saved yet has no file to draw on, so the widget says so.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse


class RegionsWidget(forms.Textarea):
    """Draw and label marked regions on a saved specimen image (``SpecimenImage.regions``).

    Another private image with regions (an alert's, ``portal.alerts.images``) passes the
    URL name and arguments of its own access-checked file view, its id given as 0."""

    template_name = "specimens/widgets/regions.html"

    def __init__(
        self,
        attrs=None,
        *,
        image_url_name: str = "specimens:image-file",
        image_url_kwargs: dict | None = None,
    ):
        super().__init__(attrs)
        self.image_url_name = image_url_name
        self.image_url_kwargs = image_url_kwargs or {"size": "display"}

    @property
    def media(self) -> forms.Media:
        return forms.Media(
            css={
                "all": [
                    "vendor/annotorious/annotorious-openseadragon.css",
                    "specimens/regions-editor.css",
                ]
            },
            js=[
                "vendor/openseadragon/openseadragon.min.js",
                "vendor/annotorious/annotorious-openseadragon.js",
                "specimens/regions-editor.js",
            ],
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The script swaps the 0 for the image's id (a pattern, not a link to image 0).
        context["image_url_pattern"] = reverse(
            self.image_url_name, kwargs={**self.image_url_kwargs, "pk": 0}
        )
        return context


def specimen_image_choices(field, *, user, held: int | None) -> None:
    """Offer in ``field`` (a choice of ``SpecimenImage``) only images of specimens ``user``
    may see (the specimen's rule), labelled by specimen, light and caption; ``held`` (the
    image the edited row already names), when the user may not see it, stays choosable
    but is labelled as "an item not shared with you", so saving the form keeps it without
    showing it. Used wherever an editor picks a specimen image (alert images, quiz
    questions)."""
    from portal.access import rule
    from portal.access.admin_forms import HIDDEN_LABEL

    from .models import Specimen, SpecimenImage

    specimens = (
        rule.visible_to(user=user, queryset=Specimen.objects.all())
        if user is not None
        else Specimen.objects.none()
    )
    visible = SpecimenImage.objects.filter(specimen__in=specimens.values("pk"))
    hidden = set()
    if held is not None and not visible.filter(pk=held).exists():
        hidden.add(held)
    queryset = visible | SpecimenImage.objects.filter(pk__in=hidden) if hidden else visible
    field.queryset = queryset.select_related("specimen").order_by(
        "specimen__title", "sort_order", "pk"
    )
    field.label_from_instance = lambda image: (
        str(HIDDEN_LABEL)
        if image.pk in hidden
        else f"{image.specimen.title} — {image.get_light_source_display()}"
        + (f" — {image.caption}" if image.caption else "")
    )

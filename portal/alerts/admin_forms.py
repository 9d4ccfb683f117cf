"""The alert's admin form: its images, and images picked from its related specimens.

- A specimen image is offered only from specimens the editing expert may see (the
  specimen's rule), labelled by specimen and light; a value the alert already holds that
  the editor may not see is kept, shown as "an item not shared with you".
- A picked image must belong to one of the alert's related specimens (as posted).
- A live alert's edit is a draft (a revision): Wagtail does not save the inline rows
  then, so a new upload is checked, cleaned and stored now and the revision names the
  stored file; publication writes the rows (``AlertEditView``).
"""

from __future__ import annotations

from django import forms
from django.forms.models import BaseModelFormSet
from django.utils.translation import gettext_lazy as _
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.panels import InlinePanel

from portal.access.admin_forms import ShareableAdminForm, VisibleChoicesChildForm
from portal.access.request_context import current_user
from portal.specimens.widgets import specimen_image_choices


class AlertSpecimenImageForm(VisibleChoicesChildForm):
    """One picked specimen image: the choices follow the specimen's rule."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("specimen_image")
        if field is None:
            return
        specimen_image_choices(
            field,
            user=current_user(),
            held=self.instance.specimen_image_id if self.instance.pk else None,
        )


class DraftImagesFormSet(BaseChildFormSet):
    """The alert's images: a row of a draft revision has no id yet (it is written when the
    revision is published); posted back with an empty id, it is the draft's row at the
    same position (as rendered), so its stored file is kept, not asked for again."""

    def _construct_form(self, i, **kwargs):
        if self.is_bound and i < self.initial_form_count():
            posted = self.data.get(f"{self.add_prefix(i)}-id", "")
            rows = list(self.get_queryset())
            if not posted and i < len(rows) and rows[i].pk is None:
                kwargs["instance"] = rows[i]
                return super(BaseModelFormSet, self)._construct_form(i, **kwargs)
        return super()._construct_form(i, **kwargs)


class ImagesPanel(InlinePanel):
    """The inline panel of the alert's own images (drafts keep their uploads)."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = DraftImagesFormSet
        return options


class SpecimenImagesPanel(InlinePanel):
    """The inline panel of picked specimen images, with the rule-following form."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = AlertSpecimenImageForm
        return options


class AlertAdminForm(ShareableAdminForm):
    """The alert's form: a picked image belongs to one of its related specimens."""

    def is_valid(self) -> bool:
        # The inline forms are cleaned after this form's ``clean``: check them here.
        valid = super().is_valid()
        formset = self.formsets.get("specimen_images")
        if formset is None or "related_specimens" not in self.cleaned_data:
            return valid
        related = {specimen.pk for specimen in self.cleaned_data.get("related_specimens") or []}
        for form in formset.forms:
            cleaned = getattr(form, "cleaned_data", None) or {}
            image = cleaned.get("specimen_image")
            if image is None or cleaned.get("DELETE"):
                continue
            # A related specimen hidden from its editor stays among the field's values.
            if image.specimen_id not in related:
                form.add_error(
                    "specimen_image",
                    forms.ValidationError(
                        _("Choose an image of one of the alert's related specimens."),
                        code="not_related",
                    ),
                )
                valid = False
        return valid

"""The specimen's admin form: the shared items' form, plus the check that an image's
marked regions link only to features of the same specimen."""

from __future__ import annotations

from django.utils.translation import gettext

from portal.access.admin_forms import ShareableAdminForm


class SpecimenAdminForm(ShareableAdminForm):
    """``Specimen.base_form_class``: a region's ``"feature"`` must be one of this specimen's
    saved, kept features — never another specimen's (whose term would then show here)."""

    def is_valid(self) -> bool:
        # The inline formsets are cleaned after the form's own ``clean``: checked here.
        valid = super().is_valid()
        if not valid:
            return False
        features = self.formsets.get("features")
        images = self.formsets.get("images")
        if features is None or images is None:
            return valid
        kept = {
            form.instance.pk
            for form in features.forms
            if form.instance.pk and not features._should_delete_form(form)
        }
        for form in images.forms:
            if images._should_delete_form(form):
                continue
            for number, region in enumerate(form.cleaned_data.get("regions") or [], start=1):
                feature = region.get("feature") if isinstance(region, dict) else None
                if feature is not None and feature not in kept:
                    form.add_error(
                        "regions",
                        gettext(
                            "Region %(number)s is linked to a feature that is not one of this "
                            "specimen's saved features: save the feature first, or choose "
                            "another."
                        )
                        % {"number": number},
                    )
                    valid = False
        return valid

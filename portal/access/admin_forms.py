"""The admin form of shared content types (importable from models: no user forms here)."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from .distribution import Distribution
from .models import Country


class ShareableAdminForm(WagtailAdminModelForm):
    """The admin form of every shared content type (``base_form_class``).

    An expert's items belong to their own country: the owner field is fixed to it, so
    nobody can create or move an item into another country's hands. The distribution
    is checked by the same code as the API's (``Distribution.from_data``).
    """

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        owner = self.fields.get("owner_country")
        if owner is not None and for_user is not None and not for_user.is_superuser:
            owner.disabled = True
            owner.required = False
            owner.help_text = "Items you add belong to your country."
            if not self.instance.pk:
                self.initial["owner_country"] = for_user.country_id

    def clean(self):
        cleaned = super().clean()
        owner = self.fields.get("owner_country")
        if owner is not None and owner.disabled and not self.instance.pk:
            cleaned["owner_country"] = Country.objects.filter(pk=self.for_user.country_id).first()
            if cleaned["owner_country"] is None:
                raise forms.ValidationError("Your account has no country: it cannot own items.")
        level = cleaned.get("distribution_level")
        if level:
            data = {
                "level": level,
                "countries": [c.pk for c in cleaned.get("shared_countries") or []],
                "networks": [n.slug for n in cleaned.get("shared_networks") or []],
            }
            try:
                Distribution.from_data(data, allows_public=self._meta.model.allows_public)
            except forms.ValidationError as exc:
                self.add_error("distribution_level", exc.messages)
        return cleaned

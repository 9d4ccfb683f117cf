"""Forms of the training pages (the admin's are in ``admin_forms``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.access.models import Country, Network
from portal.core.widgets import CountrySelectMultiple


class CohortForm(forms.Form):
    """A trainer enrols a cohort in a course: countries, networks (their member countries
    today) and people by username. Only those who may see the course are enrolled
    (``services.cohort_enrol``); the page says how many."""

    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.all(),
        required=False,
        widget=CountrySelectMultiple(),
        help_text=_("Every officer, expert and trainer of these countries."),
    )
    networks = forms.ModelMultipleChoiceField(
        label=_("Networks"),
        queryset=Network.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every member of the countries in these networks today."),
    )
    usernames = forms.CharField(
        label=_("People"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Usernames, separated by spaces, commas or new lines."),
    )

    def clean_usernames(self) -> list:
        names = {name for name in self.cleaned_data["usernames"].replace(",", " ").split() if name}
        if not names:
            return []
        found = list(get_user_model().objects.filter(username__in=names, is_active=True))
        unknown = sorted(names - {user.username for user in found})
        if unknown:
            raise forms.ValidationError(
                _("No active account is called %(names)s.") % {"names": ", ".join(unknown)}
            )
        return found

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (
            cleaned.get("countries") or cleaned.get("networks") or cleaned.get("usernames")
        ):
            raise forms.ValidationError(_("Choose at least one country, network or person."))
        return cleaned

"""The e-mail subscription form of an officer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.access.models import Country
from portal.core.widgets import CountrySelectMultiple
from portal.specimens.models import DocumentType

from .models import AlertSubscription


class SubscriptionForm(forms.ModelForm):
    issuing_countries = forms.ModelMultipleChoiceField(
        queryset=Country.objects.order_by("name"),
        required=False,
        widget=CountrySelectMultiple,
        label=_("Alerts on documents issued by"),
    )
    document_types = forms.MultipleChoiceField(
        choices=DocumentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Alerts on these document types"),
    )

    class Meta:
        model = AlertSubscription
        fields = ["high_and_critical", "issuing_countries", "document_types"]

"""Wagtail's user forms with the portal's own field: the user's country."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from portal.core.widgets import CountrySelect

from .models import Country


def _country_field():
    return forms.ModelChoiceField(
        queryset=Country.objects.order_by("name"),
        required=False,
        label=_("Country"),
        help_text=_("The member country this person works for (empty for network administrators)."),
        widget=CountrySelect,
    )


class PortalUserCreationForm(UserCreationForm):
    country = _country_field()

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"country"}


class PortalUserEditForm(UserEditForm):
    country = _country_field()

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"country"}

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.localization import get_available_admin_time_zones

from portal.core.widgets import SearchableSelect

from .locale import UserLocale


class LoginForm(AuthenticationForm):
    """The sign-in form, with the attributes browsers and screen readers need."""

    username = forms.CharField(
        label=_("Username"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "That username and password do not match an account. "
            "Check them and try again; passwords are case-sensitive."
        ),
        "inactive": _("This account has been deactivated. Ask your country's administrator."),
    }


def language_label(code: str) -> str:
    """ "ภาษาไทย — Thai": the language in its own words, then in the reader's."""
    info = get_language_info(code)
    name = gettext(info["name"])
    return info["name_local"] if info["name_local"] == name else f"{info['name_local']} — {name}"


class LocaleForm(forms.Form):
    """A person's language and time zone; empty means "my country's default"."""

    language = forms.ChoiceField(label=_("Language"), required=False, widget=SearchableSelect)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        widget=SearchableSelect,
        help_text=_("Every time in the portal and its e-mails is shown in this zone."),
    )

    def __init__(self, *args, locale: UserLocale, **kwargs):
        super().__init__(*args, **kwargs)
        default_language = language_label(locale.country_language)
        self.fields["language"].choices = [
            ("", _("Your country's default (%(language)s)") % {"language": default_language}),
            *((code, language_label(code)) for code, _name in settings.LANGUAGES),
        ]
        self.fields["time_zone"].choices = [
            ("", _("Your country's default (%(zone)s)") % {"zone": locale.country_time_zone}),
            *((zone, zone) for zone in get_available_admin_time_zones()),
        ]

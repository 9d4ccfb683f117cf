"""Searchable selects: the country chooser of every form that names countries.

A plain ``<select>`` of 249 countries is a long scroll in any language. These widgets
render an ordinary ``<select>`` (so a browser without JavaScript still submits the
same values) that ``static/portal/chooser.js`` turns into a search box with Tom Select
(npm ``tom-select``, served from ``node_modules`` like every front-end package): type
part of a name or a code ("viet", "VNM"), arrows and Enter to choose, Backspace to
remove. Countries are listed as "Viet Nam (VNM)" (``Country.__str__``), the countries of
the user's networks first ("Your networks"), then every other one.

Wagtail admin forms get them through ``register_form_field_override`` (access's
``wagtail_hooks``); other forms set ``widget=CountrySelect()`` on their field.
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from portal.access.countries import network_country_codes
from portal.access.request_context import current_user


def _html(value: Any) -> str:
    """``conditional_escape`` without its lazy-string wrapper (called for every option)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attributes(attrs: dict) -> str:
    """HTML attributes in the widget's order, as Django's ``attrs.html`` writes them
    (``True``: the name alone; ``False`` and ``None``: left out)."""
    return "".join(
        f" {_html(name)}" if value is True else f' {_html(name)}="{_html(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


_MEDIA = forms.Media(
    css={"all": ["vendor/tom-select/css/tom-select.default.min.css", "portal/chooser.css"]},
    js=["vendor/tom-select/js/tom-select.complete.min.js", "portal/chooser.js"],
)


class SearchableSelectMixin:
    """Mark the ``<select>`` for the chooser script and give it its words, translated
    here (the script holds no text of its own)."""

    chooser_kind = "plain"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.setdefault("data-chooser", self.chooser_kind)
        attrs.setdefault("data-chooser-placeholder", str(_("Type a name or code")))
        attrs.setdefault("data-chooser-no-results", str(_("Nothing matches")))
        attrs.setdefault("data-chooser-remove", str(_("Remove")))
        return attrs

    @property
    def media(self) -> forms.Media:
        return _MEDIA

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        """The same markup as Django's ``select.html``, written here: the template includes
        one template per option, and with 249 countries in three fields of a form (twice in
        the Wagtail admin, whose panels carry their widgets' HTML again) that was about a
        third of an alert's edit page."""
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_html(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{_html(group_name)}">')
            parts.extend(
                f'<option value="{_html(option["value"])}"{_attributes(option["attrs"])}>'
                f"{_html(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 -- every value escaped by _html()


class SearchableSelect(SearchableSelectMixin, forms.Select):
    """A ``<select>`` with a search box (networks, and any long list)."""


class SearchableSelectMultiple(SearchableSelectMixin, forms.SelectMultiple):
    """A multiple ``<select>`` with a search box; chosen items show as removable tags."""


class CountryGroupsMixin(SearchableSelectMixin):
    """Countries of the user's networks first, under "Your networks".

    The user is the form's (``widget.user``, set by ``CountryField``-using forms that
    know it) or the request's; outside a request the list is not grouped.
    """

    chooser_kind = "country"
    user: Any = None

    def optgroups(self, name, value, attrs=None):
        user = self.user or current_user()
        first = network_country_codes(user=user) if user is not None else frozenset()
        if not first:
            return super().optgroups(name, value, attrs)
        blank, ours, others = [], [], []
        for option_value, option_label in self.choices:
            code = "" if option_value is None else str(option_value)
            if code == "":
                blank.append((option_value, option_label))
            elif code in first:
                ours.append((option_value, option_label))
            else:
                others.append((option_value, option_label))
        grouped = [*blank, (_("Your networks"), ours), (_("All other countries"), others)]
        flat, self.choices = self.choices, grouped
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = flat


class CountrySelect(CountryGroupsMixin, forms.Select):
    """Choose one country."""


class CountrySelectMultiple(CountryGroupsMixin, forms.SelectMultiple):
    """Choose any number of countries."""


class CountryFilter(forms.Form):
    """The issuing-country filter of a list page (GET): one chooser, the user's networks
    first, posting the same ``issuing_country`` code as a plain ``<select>`` would.

    ``countries`` are ``(code, label)`` pairs (e.g. only those present in the list);
    ``empty_label`` is the "any country" option. The page renders ``form.issuing_country``
    and puts ``form.media`` in its head and scripts blocks.
    """

    issuing_country = forms.ChoiceField(required=False, widget=CountrySelect)

    def __init__(self, *, countries, value: str, user: Any, empty_label, field_id: str):
        super().__init__(initial={"issuing_country": (value or "").upper()})
        field = self.fields["issuing_country"]
        field.choices = [("", empty_label), *countries]
        field.widget.user = user
        field.widget.attrs["id"] = field_id

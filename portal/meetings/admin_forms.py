"""The admin form of meetings (importable from models: no models imported at load).

``MeetingAdminForm`` is a shared item's form (owner fixed to the editor's country, the
distribution checked, linked specimens, alerts and courses of agenda items offered from
what the editor may see) that also refuses an end before the start and, while the
minutes are final, any change to the agenda.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel, get_form_for_model

from portal.access import rule
from portal.access.admin_forms import (
    ShareableAdminForm,
    ShareableAdminFormMetaclass,
    VisibleChoicesMixin,
)


class AgendaItemForm(
    VisibleChoicesMixin, WagtailAdminModelForm, metaclass=ShareableAdminFormMetaclass
):
    """An agenda item inline in its meeting's form (with its outcomes inline in it):
    linked specimens, alerts and courses offered, accepted and labelled from what the
    editor may see (``VisibleChoicesMixin``), like every shared item's form."""


def _wall_clock(value: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """``value`` as typed (a wall-clock time, which Django read in the editor's zone) in
    ``zone`` instead."""
    if timezone.is_aware(value):
        value = timezone.make_naive(value, timezone.get_current_timezone())
    return value.replace(tzinfo=zone)


class MeetingAdminForm(ShareableAdminForm):
    """A meeting: times typed as wall-clock times of the meeting's own zone (the chair
    plans "9:00 in Manila", whatever their own zone), networks limited to those the editor
    may schedule for (``rule.networks_to_schedule``), times in order, and the agenda
    locked while the minutes are final."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        for name in ("starts_at", "ends_at"):
            field = self.fields.get(name)
            if field is None:
                continue
            field.help_text = _(
                "Wall-clock time in the meeting's time zone (its time zone field), not in yours."
            )
            value = getattr(instance, name, None)
            if instance.pk and value is not None and instance.timezone:
                # Shown as the meeting's wall clock: naive, so not converted to the editor's.
                self.initial[name] = value.astimezone(zoneinfo.ZoneInfo(instance.timezone)).replace(
                    tzinfo=None
                )
        network = self.fields.get("network")
        user = getattr(self, "for_user", None)
        if network is not None and user is not None:
            allowed = rule.networks_to_schedule(
                user=user, model=type(instance), queryset=network.queryset
            )
            if instance.network_id:  # an editor keeps the meeting's network when editing
                allowed = allowed | network.queryset.filter(pk=instance.network_id)
            network.queryset = allowed.distinct()

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("timezone")
        if name:
            try:
                zone = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = None
            if zone is not None:
                for field in ("starts_at", "ends_at"):
                    if cleaned.get(field):
                        cleaned[field] = _wall_clock(cleaned[field], zone)
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A meeting ends after it starts."))
        instance = self.instance
        if instance.pk and getattr(instance, "minutes_final", False):
            agenda = self.formsets.get("agenda_items") if hasattr(self, "formsets") else None
            if agenda is not None and agenda.has_changed():
                raise forms.ValidationError(
                    _("The minutes are final: reopen them before changing the agenda.")
                )
        return cleaned


class VisibleInlinePanel(InlinePanel):
    """An ``InlinePanel`` whose child forms are always built on the child model's
    ``base_form_class``. Wagtail replaces the child form by a plain
    ``WagtailAdminModelForm`` when the child has fields whose "required" is deferred for
    drafts (every lifecycle item's children), which would drop the rule's restriction of
    linked specimens, alerts and courses (``VisibleChoicesMixin``)."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        model = self.db_field.related_model
        base = getattr(model, "base_form_class", None)
        if base is not None:
            deferred = self.child_edit_handler.get_form_options().get("defer_required_on_fields")
            extra = {"defer_required_on_fields": deferred} if deferred else {}
            formset["form"] = get_form_for_model(model, form_class=base, **extra)
        return options

"""The admin forms of shared content types (importable from models: no user forms here).

Every form field that names another shared item — a forgery's genuine reference, an
alert's related specimens, and whatever later types add — offers, accepts and renders
only the items the form's user may see:

- choices offered: the options (or the chooser's modal, ``viewsets``) list visible items;
- values accepted: a posted id the user may not see is "not one of the available
  choices", exactly like an id that does not exist;
- labels rendered: a chooser re-rendered with any posted id names only a visible item.

A value the item already holds that its editor may not see (a reference to another
country's specimen, since narrowed) is kept when the form is saved, shown as "an item
not shared with you", never by its title — nothing is lost by editing.
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.models import WagtailAdminModelFormMetaclass
from wagtail.snippets.widgets import AdminSnippetChooser

from . import rule
from .distribution import Distribution
from .models import Country, Shareable
from .request_context import current_user

#: How a value the user may not see is shown in place of its title.
HIDDEN_LABEL = _("An item not shared with you")


def names_shared_items(field: forms.Field) -> bool:
    """Whether ``field`` chooses among items of a shared content type."""
    queryset = getattr(field, "queryset", None)
    return queryset is not None and issubclass(queryset.model, Shareable)


class _VisibleChoiceIterator(ModelChoiceIterator):
    """The options of a field naming shared items: the visible ones, then a placeholder
    for each value the item already holds that the user may not see."""

    def __init__(self, field):
        super().__init__(field)
        self.queryset = field.visible_choices

    def __iter__(self):
        yield from super().__iter__()
        for pk in self.field.kept_hidden:
            yield ModelChoiceIteratorValue(pk, None), HIDDEN_LABEL

    def __len__(self):
        return super().__len__() + len(self.field.kept_hidden)


class VisibleSnippetChooser(AdminSnippetChooser):
    """The chooser widget of a shared type: it names only items its user may see.

    The form gives it the user's visible items (``visible``); a widget rendered outside a
    form (a StreamField block) asks the rule for the requesting user; outside a request
    it names nothing.
    """

    visible = None
    kept_hidden: frozenset = frozenset()

    def get_instance(self, value):
        if value is None or value == "":
            return None
        pk = value.pk if isinstance(value, self.model_class) else value
        visible = self.visible
        if visible is None:
            user = current_user()
            if user is None:
                return None
            visible = rule.visible_to(user=user, queryset=self.model_class.objects.all())
        try:
            return visible.get(pk=pk)
        except (self.model_class.DoesNotExist, ValueError, TypeError, forms.ValidationError):
            return None

    def get_value_data(self, value):
        data = super().get_value_data(value)
        if data is None and value is not None:
            pk = value.pk if isinstance(value, self.model_class) else value
            if str(pk) in {str(kept) for kept in self.kept_hidden}:
                return {"id": pk, "edit_url": "", self.display_title_key: str(HIDDEN_LABEL)}
        return data


class VisibleChoicesMixin:
    """Restrict every field of the form that names shared items to the user's view."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Inline child forms are not given ``for_user`` by Wagtail: the request's user.
        user = getattr(self, "for_user", None) or current_user()
        for name, field in self.fields.items():
            if names_shared_items(field):
                self._restrict_field(name, field, user)

    def _restrict_field(self, name: str, field: forms.Field, user) -> None:
        everything = field.queryset
        visible = rule.visible_to(user=user, queryset=everything)
        held = self._held_ids(name)
        kept = set(held) - set(visible.filter(pk__in=held).values_list("pk", flat=True))
        field.visible_choices = visible
        field.kept_hidden = frozenset(kept)
        field.iterator = _VisibleChoiceIterator
        # Validation accepts what is visible, and what the item holds already.
        field.queryset = visible | everything.filter(pk__in=kept) if kept else visible
        if isinstance(field.widget, VisibleSnippetChooser):
            field.widget.visible = visible
            field.widget.kept_hidden = field.kept_hidden

    def _held_ids(self, name: str) -> list:
        """The ids the saved item holds in field ``name`` now (none for a new item)."""
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            return []
        model_field = instance._meta.get_field(name)
        if model_field.many_to_many:
            # ``.all()``, not ``values_list``: a child of a revision (an agenda item of a
            # draft meeting) holds its parental many-to-many values in memory.
            return [obj.pk for obj in getattr(instance, name).all()]
        value = getattr(instance, model_field.attname, None)
        return [value] if value is not None else []


class ShareableAdminFormMetaclass(WagtailAdminModelFormMetaclass):
    """Inline child forms (images, features, agenda items ...) are restricted too."""

    @classmethod
    def child_form(cls):
        return VisibleChoicesChildForm


class VisibleChoicesChildForm(VisibleChoicesMixin, WagtailAdminModelForm):
    """The form of an inline child of a shared item."""


class ShareableAdminForm(
    VisibleChoicesMixin, WagtailAdminModelForm, metaclass=ShareableAdminFormMetaclass
):
    """The admin form of every shared content type (``base_form_class``).

    An expert's items belong to their own country: the owner field is fixed to it, so
    nobody can create or move an item into another country's hands. The distribution
    is checked by the same code as the API's (``Distribution.from_data``). Fields naming
    other shared items follow the access rule (``VisibleChoicesMixin``).
    """

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        owner = self.fields.get("owner_country")
        if owner is not None and for_user is not None and not rule.can_choose_owner(for_user):
            owner.disabled = True
            owner.required = False
            owner.help_text = _("Items you add belong to your country.")
            if not self.instance.pk:
                self.initial["owner_country"] = for_user.country_id

    def clean(self):
        cleaned = super().clean()
        owner = self.fields.get("owner_country")
        if owner is not None and owner.disabled and not self.instance.pk:
            cleaned["owner_country"] = Country.objects.filter(pk=self.for_user.country_id).first()
            if cleaned["owner_country"] is None:
                raise forms.ValidationError(_("Your account has no country: it cannot own items."))
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

"""The Wagtail admin held to the access rule by construction, not view by view.

Wagtail's generic machinery loads objects by id without going through our viewsets:
bulk actions (``/admin/bulk/<app>/<model>/<action>/?id=...``) and the reference index
behind every usage count (edit side panel, delete and unpublish pages, bulk delete,
usage listings). Both are answered here for every model at once:

- ``bulk_action`` replaces Wagtail's bulk-action dispatcher (``admin_urls`` routes the same
  path to it first): the objects an action lists or acts on are only those the
  model's permission policy lets the user see — for shared items the access rule, for
  other models Wagtail's model permissions — so ``?id=all`` names nothing else.
- ``SnippetTypesView`` replaces ``/admin/snippets/``, whose counts counted every row;
- ``editing_session_ping`` checks the id before Wagtail's ping looks the object up;
- ``install`` wraps the two methods every usage count and listing of Wagtail goes
  through (``ReferenceIndex.get_references_to`` and ``get_references_to_in_bulk``): while
  a request is answered, references found on shared items the user may not see are left
  out, so a count never includes an item the reader could not open.

The test ``tests/access/test_admin_urls.py`` walks every admin URL pattern and fails for
any that is not covered by the access matrix, so an upgrade cannot add one silently.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.text import capfirst
from wagtail.admin.mail import EmailNotificationMixin
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import ModelIndexView, get_snippet_models_for_index_view

from . import rule
from .models import Shareable
from .request_context import current_user

#: What a user must hold on a model to meet its objects in a bulk action at all.
ANY_ACTION = ("view", "change", "delete", "publish", "unpublish", "lock", "unlock")


def shareable_models() -> list:
    from .signal_handlers import shareable_models as models

    return models()


def is_shareable(model) -> bool:
    from .models import Shareable

    return isinstance(model, type) and issubclass(model, Shareable)


def admin_visible(*, user, model) -> QuerySet:
    """The objects of ``model`` that ``user`` may meet anywhere in the admin."""
    queryset = model._default_manager.all()
    if is_shareable(model):
        return rule.visible_to(user=user, queryset=queryset)
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, ANY_ACTION)


def clean_ids(model, values) -> list:
    """The values that are well-formed primary keys of ``model`` (others match nothing)."""
    field = model._meta.pk
    ids = []
    for value in values:
        try:
            ids.append(field.to_python(value))
        except (ValidationError, ValueError, TypeError):
            continue
    return ids


def _guarded(action_class):
    """``action_class`` restricted to the objects its user may meet (cached per class)."""
    guarded = _GUARDED.get(action_class)
    if guarded is None:

        def get_queryset(self, model, object_ids):
            objects = list(
                admin_visible(user=self.request.user, model=model).filter(
                    pk__in=clean_ids(model, object_ids)
                )
            )
            if not objects:
                raise Http404("None of the selected items exist or are shared with you.")
            return objects

        def get_all_objects_in_listing_query(self, parent_id):
            return admin_visible(user=self.request.user, model=self.model).values_list(
                "pk", flat=True
            )

        guarded = type(
            f"Visible{action_class.__name__}",
            (action_class,),
            {
                "get_queryset": get_queryset,
                "get_all_objects_in_listing_query": get_all_objects_in_listing_query,
            },
        )
        _GUARDED[action_class] = guarded
    return guarded


_GUARDED: dict[type, type] = {}


def bulk_action(request, app_label: str, model_name: str, action: str):
    """Wagtail's bulk-action dispatcher, listing and acting only on what the user may meet.

    Pages keep Wagtail's own page permissions (editorial pages are not shared items).
    """
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    if action_class is None:
        raise Http404
    if not issubclass(model, Page):
        action_class = _guarded(action_class)
    return action_class(request, model).dispatch(request)


class SnippetTypesView(ModelIndexView):
    """Wagtail's list of snippet types (``/admin/snippets/``), counting only the items each
    user may meet: Wagtail counts every row of the table."""

    def _get_snippet_types(self):
        return [
            {
                "name": capfirst(model._meta.verbose_name_plural),
                "count": admin_visible(user=self.request.user, model=model).count(),
                "model": model,
                "url": url,
            }
            for model in get_snippet_models_for_index_view()
            if (url := self.get_list_url(model))
        ]


def editing_session_ping(request, app_label, model_name, object_id, session_id):
    """Wagtail's editing-session ping (``/admin/editing-sessions/ping/...``), which takes
    any model and id: a malformed id or an item the user may not see is a 404 before
    Wagtail looks (it answers a malformed id with a server error)."""
    from django.contrib.admin.utils import unquote
    from wagtail.admin.views.editing_sessions import ping

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    pk = unquote(object_id)
    if not clean_ids(model, [pk]):
        raise Http404
    if is_shareable(model):
        rule.get_visible_or_404(user=request.user, queryset=model._default_manager.all(), pk=pk)
    return ping(request, app_label, model_name, object_id, session_id)


def switched_off(request):
    """Admin paths the portal does not offer — Wagtail's image and document libraries, its
    deliberate error page (``/admin/failwhale/``) — are not found."""
    raise Http404("This part of the admin is switched off.")


# --- usage counts ----------------------------------------------------------------------


def references_visible(references: QuerySet, user) -> QuerySet:
    """Leave out of ``references`` (``ReferenceIndex`` rows) those found on shared items
    that ``user`` may not see."""
    if user is None or rule.ALL in rule.user_keys(user):
        return references
    hidden = Q()
    for model in shareable_models():
        visible = rule.visible_to(user=user, queryset=model._default_manager.all())
        hidden |= Q(content_type=ContentType.objects.get_for_model(model)) & ~Q(
            object_id__in=visible.annotate(id_text=Cast("pk", CharField())).values("id_text")
        )
    return references.exclude(hidden)


def notified_item(instance: Any) -> Any:
    """The item a Wagtail notification is about: a workflow state's or a task state's
    object (``None`` when it names none)."""
    for candidate in (instance, getattr(instance, "workflow_state", None)):
        item = getattr(candidate, "content_object", None) if candidate is not None else None
        if item is not None:
            return item
    revision = getattr(instance, "revision", None)
    return getattr(revision, "content_object", None) if revision is not None else None


def recipients_visible(recipients, instance: Any) -> set:
    """Leave out of a notification's recipients whoever may not see its shared item."""
    item = notified_item(instance)
    if not isinstance(item, Shareable):
        return set(recipients)
    return {user for user in recipients if rule.can_view(user, item)}


def install() -> None:
    """Filter Wagtail's reference index by the requesting user, and its e-mail
    notifications (workflow submitted, approved, rejected, task states) by the rule of
    their item (once, from ``ready()``)."""
    if getattr(ReferenceIndex, "_portal_guarded", False):
        return
    valid_recipients = EmailNotificationMixin.get_valid_recipients

    def get_valid_recipients(self, instance, **kwargs):
        return recipients_visible(valid_recipients(self, instance, **kwargs), instance)

    EmailNotificationMixin.get_valid_recipients = get_valid_recipients
    get_references_to = ReferenceIndex.get_references_to.__func__
    get_references_to_in_bulk = ReferenceIndex.get_references_to_in_bulk.__func__

    def references_to(cls, object):
        return references_visible(get_references_to(cls, object), current_user())

    def references_to_in_bulk(cls, objects):
        return references_visible(get_references_to_in_bulk(cls, objects), current_user())

    ReferenceIndex.get_references_to = classmethod(references_to)
    ReferenceIndex.get_references_to_in_bulk = classmethod(references_to_in_bulk)
    ReferenceIndex._portal_guarded = True

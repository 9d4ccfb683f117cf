"""The snippet editor's publication buttons for lifecycle types, from the access rule.

Wagtail shows "Publish" and "Unpublish" to users holding the model's Django permission;
the portal's experts hold none (the rule decides, per item). Here the two buttons are
shown exactly when ``rule.can_publish`` / ``rule.can_change`` allow: never for a draft
whose country requires a second expert's review ("Submit for moderation" instead).
"""

from wagtail import hooks
from wagtail.snippets.action_menu import PublishMenuItem, UnpublishMenuItem

from portal.access import rule

from .models import Lifecycle


@hooks.register("construct_snippet_action_menu")
def lifecycle_publication_items(menu_items, request, context):
    model = context.get("model")
    if not (isinstance(model, type) and issubclass(model, Lifecycle)):
        return
    menu_items[:] = [
        item for item in menu_items if not isinstance(item, PublishMenuItem | UnpublishMenuItem)
    ]
    if context.get("locked_for_user"):
        return
    user = request.user
    instance = context.get("instance")
    if context.get("view") == "create" or instance is None or instance.pk is None:
        may_publish = rule.can_create(user, model) and not model.review_required_for(
            getattr(user, "country_id", None)
        )
    else:
        may_publish = rule.can_publish(
            user, instance, review_required=not instance.live and instance.review_required()
        )
        if instance.live and rule.can_change(user, instance):
            menu_items.append(UnpublishMenuItem(order=20))
    if may_publish:
        menu_items.append(PublishMenuItem(order=30))
    menu_items.sort(key=lambda item: item.order)


@hooks.register("register_log_actions")
def lifecycle_log_model(actions):
    """Lifecycle items' history is written through ``LifecycleLogEntry`` (no existence
    queries for the rows an entry names). It is a proxy of ``ModelLogEntry``, whose rows
    the site history report already reads: it is left out of the report's list of
    log models, which would otherwise show every entry twice
    (``tests/lifecycle/test_log_entries.py``)."""
    from .models import LifecycleLogEntry

    actions.register_model(Lifecycle, LifecycleLogEntry)
    actions.log_entry_models.discard(LifecycleLogEntry)

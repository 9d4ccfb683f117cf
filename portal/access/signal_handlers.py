"""Keep each shared item's visibility keys in step with its state and its grants.

The keys are rewritten inside the same transaction as the change, so no reader ever
sees an item with stale keys: at once, or — inside ``rule.keys_sync_deferred()``, which
services open around several saves of one item — once at the end of that block.
"""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import rule
from .models import Shareable


def shareable_models() -> list[type[Shareable]]:
    """Every concrete content type that is shared through the access rule."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Shareable) and not model._meta.proxy
    ]


def _item_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        rule.item_changed(instance)


def _item_deleted(sender, instance, **kwargs):
    rule.item_changed(instance, deleted=True)


def _sharing_changed(sender, instance, action, reverse, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and not reverse:
        rule.item_changed(instance)


def _grant_changed(sender, instance, raw=False, **kwargs):
    """A guardian grant was added or removed: resync the item it names, if shared."""
    if raw:
        return
    if sender.objects.is_generic():
        model = instance.content_type.model_class()
        if model is None or not issubclass(model, Shareable):
            return
        item = model._default_manager.filter(pk=instance.object_pk).first()
    else:
        item = instance.content_object if isinstance(instance.content_object, Shareable) else None
    if item is not None:
        rule.item_changed(item)


def connect() -> None:
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    for model in shareable_models():
        uid = f"access-keys-{model._meta.label_lower}"
        post_save.connect(_item_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_item_deleted, sender=model, dispatch_uid=uid)
        for field_name in ("shared_countries", "shared_networks"):
            through = model._meta.get_field(field_name).remote_field.through
            m2m_changed.connect(
                _sharing_changed, sender=through, dispatch_uid=f"{uid}-{field_name}"
            )
    for model in apps.get_models():
        if issubclass(model, UserObjectPermissionBase | GroupObjectPermissionBase):
            uid = f"access-grants-{model._meta.label_lower}"
            post_save.connect(_grant_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_grant_changed, sender=model, dispatch_uid=uid)

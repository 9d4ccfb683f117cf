"""Push a guardian grant of a published alert to its grantee. (Sockets closing when a
credential ends is the push platform's: ``portal.push.signal_handlers``.)"""

from django.db import transaction
from django.db.models.signals import post_save


def _grant_saved(sender, instance, created, raw=False, **kwargs):
    """A guardian grant to view a published alert is a widening: push it to the grantee."""
    if raw or not created or not instance.permission.codename.startswith("view_"):
        return
    from portal.access import rule

    from .models import AlertStatus
    from .services import fanout

    alert = instance.content_object
    if alert.status != AlertStatus.PUBLISHED:
        return
    granted = (
        rule.user_key(instance.user_id)
        if hasattr(instance, "user_id")
        else rule.group_key(instance.group_id)
    )
    previous = rule.item_keys(alert) - {granted}
    alert_id = alert.pk
    transaction.on_commit(lambda: fanout(alert_id=alert_id, previous_keys=previous))


def connect() -> None:
    from .models import AlertBulletinGroupObjectPermission, AlertBulletinUserObjectPermission

    for model in (AlertBulletinUserObjectPermission, AlertBulletinGroupObjectPermission):
        post_save.connect(_grant_saved, sender=model, dispatch_uid=f"alerts-grant-{model.__name__}")

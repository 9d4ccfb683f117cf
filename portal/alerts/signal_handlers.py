"""Close a user's alert sockets when they sign out, are deactivated or change country."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_save, pre_save


def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        from .services import sockets_close

        sockets_close(user_id=user.pk, reason="signed out")


def _remember_state(sender, instance, **kwargs):
    if instance.pk:
        old = sender.objects.filter(pk=instance.pk).values("is_active", "country_id").first()
        instance._alerts_previous_state = old


def _user_saved(sender, instance, created, **kwargs):
    old = getattr(instance, "_alerts_previous_state", None)
    if created or not old:
        return
    if (old["is_active"] and not instance.is_active) or old["country_id"] != instance.country_id:
        from .services import sockets_close

        user_id = instance.pk
        transaction.on_commit(lambda: sockets_close(user_id=user_id, reason="access changed"))


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
    user_model = get_user_model()
    user_logged_out.connect(_signed_out, dispatch_uid="alerts-signed-out")
    pre_save.connect(_remember_state, sender=user_model, dispatch_uid="alerts-user-state")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="alerts-user-saved")

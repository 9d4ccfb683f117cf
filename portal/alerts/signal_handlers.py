"""Close a user's alert sockets when a credential of theirs ends, they are deactivated or
change country; push a guardian grant to its grantee."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_save


def _credentials_ended(sender, user_id, reason, session_key=None, token_id=None, **kwargs):
    """Signed out, token revoked or expired, new password (portal.accounts)."""
    from .services import sockets_close

    sockets_close(user_id=user_id, reason=reason, session_key=session_key, token_id=token_id)


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
    from portal.accounts.signals import credentials_ended

    from .models import AlertBulletinGroupObjectPermission, AlertBulletinUserObjectPermission

    for model in (AlertBulletinUserObjectPermission, AlertBulletinGroupObjectPermission):
        post_save.connect(_grant_saved, sender=model, dispatch_uid=f"alerts-grant-{model.__name__}")
    user_model = get_user_model()
    credentials_ended.connect(_credentials_ended, dispatch_uid="alerts-credentials-ended")
    pre_save.connect(_remember_state, sender=user_model, dispatch_uid="alerts-user-state")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="alerts-user-saved")

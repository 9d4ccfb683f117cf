"""Close a user's push sockets when a credential of theirs ends, or when they are
deactivated or change country (what they may see changed under an open screen)."""

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
        instance._push_previous_state = old


def _user_saved(sender, instance, created, **kwargs):
    old = getattr(instance, "_push_previous_state", None)
    if created or not old:
        return
    if (old["is_active"] and not instance.is_active) or old["country_id"] != instance.country_id:
        from .services import sockets_close

        user_id = instance.pk
        transaction.on_commit(lambda: sockets_close(user_id=user_id, reason="access changed"))


def connect() -> None:
    from portal.accounts.signals import credentials_ended

    user_model = get_user_model()
    credentials_ended.connect(_credentials_ended, dispatch_uid="push-credentials-ended")
    pre_save.connect(_remember_state, sender=user_model, dispatch_uid="push-user-state")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="push-user-saved")

"""A credential that ends ends everywhere: sign-out, token revocation, a new password."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.models import APIToken

from . import services


def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        session_key = getattr(getattr(request, "session", None), "session_key", None)
        # Without a session key (a test client's force_login), end every session socket.
        services.credentials_end_after_commit(
            user_id=user.pk, session_key=session_key, reason="signed out"
        )


def _token_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        services.api_token_lifetime_ensure(instance)
    if instance.revoked_at is not None:
        services.credentials_end_after_commit(
            user_id=instance.user_id, token_id=instance.pk, reason="token revoked"
        )


def _token_deleted(sender, instance, **kwargs):
    services.credentials_end_after_commit(
        user_id=instance.user_id, token_id=instance.pk, reason="token deleted"
    )


def _remember_password(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        instance._accounts_old_password = (
            sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
        )


def _user_saved(sender, instance, created, raw=False, **kwargs):
    old = getattr(instance, "_accounts_old_password", None)
    if created or raw or old is None or old == instance.password:
        return
    instance._accounts_old_password = instance.password
    services.credentials_of_user_end(user_id=instance.pk, reason="password changed")


def connect() -> None:
    user_model = get_user_model()
    user_logged_out.connect(_signed_out, dispatch_uid="accounts-signed-out")
    post_save.connect(_token_saved, sender=APIToken, dispatch_uid="accounts-token-saved")
    post_delete.connect(_token_deleted, sender=APIToken, dispatch_uid="accounts-token-deleted")
    pre_save.connect(_remember_password, sender=user_model, dispatch_uid="accounts-password")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="accounts-user-saved")

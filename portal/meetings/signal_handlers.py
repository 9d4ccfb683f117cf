"""Thin handlers connected in ``MeetingsConfig.ready()``."""

from __future__ import annotations

from django.db.models.signals import post_save


def _network_saved(sender, instance, **kwargs) -> None:
    """A network's chair edits its meetings (``Meeting.editor_user_ids``): when the
    network changes (a new chair), its meetings' keys are written again."""
    from portal.access import rule

    from .models import Meeting

    for meeting in Meeting.objects.filter(network=instance):
        rule.item_changed(meeting)


def connect() -> None:
    from portal.access.models import Network

    post_save.connect(_network_saved, sender=Network, dispatch_uid="meetings_network_saved")

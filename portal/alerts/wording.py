"""What an alert is called where it arrives: the home page's list and the live toast.

An officer reads "New fraud alert" and expects a document to check; "New information" is
a bulletin to read when there is a moment. One function decides which an alert is, so the
page and the toast never disagree.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    """How an alert presents itself (the toast's and the home page's heading)."""

    INFORMATION = "information", _("New information")
    FRAUD_ALERT = "fraud_alert", _("New fraud alert")


#: Severities that, without a fraud type, make an information bulletin.
INFORMATION_SEVERITIES = {"info", "low"}


def alert_kind(alert: Any) -> AlertKind:
    """A fraud type names a forgery: a fraud alert. Without one, an ``info`` or ``low``
    alert is information; anything more severe is still a fraud alert."""
    if getattr(alert, "fraud_type", ""):
        return AlertKind.FRAUD_ALERT
    if alert.severity in INFORMATION_SEVERITIES:
        return AlertKind.INFORMATION
    return AlertKind.FRAUD_ALERT

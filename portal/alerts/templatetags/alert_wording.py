"""Alert wording in templates: the kind of an alert, and the live toast's words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from portal.alerts.models import Severity
from portal.alerts.wording import AlertKind, alert_kind
from portal.specimens.models import DocumentType, FraudType

register = template.Library()


@register.filter
def alert_kind_label(alert: Any) -> str:
    """ "New fraud alert" or "New information" (``wording.alert_kind``)."""
    return str(alert_kind(alert).label)


@register.filter
def alert_kind_value(alert: Any) -> str:
    return str(alert_kind(alert).value)


@register.simple_tag
def live_labels() -> SafeString:
    """The words live.js needs, in the reader's language (the push carries codes only)."""
    return json_script(
        {
            "kind": {choice.value: str(choice.label) for choice in AlertKind},
            "severity": {choice.value: str(choice.label) for choice in Severity},
            "document_type": {choice.value: str(choice.label) for choice in DocumentType},
            "fraud_type": {choice.value: str(choice.label) for choice in FraudType},
            "close": gettext("Close"),
            "close_named": gettext("Close the notification: %(title)s"),
            "acknowledge": gettext("Acknowledge"),
            "acknowledged": gettext("Acknowledged"),
            "acknowledge_failed": gettext("Could not acknowledge; open the alert to retry."),
            "unread_one": gettext("1 unread alert"),
            "unread_many": gettext("%(count)s unread alerts"),
            "none_unread": gettext("No unread alert"),
            # === meetings: api-search (meeting toasts) ===
            "meeting": {
                "scheduled": gettext("New meeting:"),
                "moved": gettext("Meeting moved:"),
                "cancelled": gettext("Meeting cancelled:"),
            },
            # === end meetings: api-search ===
        },
        "live-labels",
    )

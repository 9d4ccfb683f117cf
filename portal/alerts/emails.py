"""E-mail to subscribed officers, within TLP's handling rules.

TLP:CLEAR and TLP:GREEN: title, summary and link. TLP:AMBER and AMBER+STRICT: the title
and a link only. TLP:RED: a link and nothing else, not even the title (the alert
itself is read on the portal, behind sign-in and the access rule). Only users who may
see the alert are written to, once per alert, and only for the part of a widened
distribution that could not see it before.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from portal.access import rule

from .models import AlertBulletin, AlertSubscription, Receipt, Tlp

SUBJECT_PREFIX = "[Document fraud alert]"


def alert_email_content(alert: AlertBulletin) -> tuple[str, str]:
    """Subject and body of the e-mail about ``alert``, by its TLP mark."""
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + alert.get_absolute_url()
    if alert.tlp == Tlp.RED:
        return (
            f"{SUBJECT_PREFIX} A new TLP:RED alert is waiting for you",
            f"A TLP:RED alert was shared with you. Its content is only on the portal:\n\n{link}\n",
        )
    mark = alert.get_tlp_display()
    severity = alert.get_severity_display()
    subject = f"{SUBJECT_PREFIX} {severity}: {alert.title}"
    if alert.tlp in {Tlp.AMBER, Tlp.AMBER_STRICT}:
        return subject, f"{mark}\n\n{alert.title}\n\nRead it on the portal: {link}\n"
    return subject, f"{mark}\n\n{alert.title}\n\n{alert.summary}\n\nRead it on the portal: {link}\n"


def alert_emails_send(*, alert: AlertBulletin, previous_keys: set[str]) -> int:
    """Write to every subscriber the alert matches who may see it, has not been written
    to about it, and could not see it before this change. Returns the number sent."""
    keys = rule.item_keys(alert)
    subscriptions = (
        AlertSubscription.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .prefetch_related("issuing_countries")
    )
    already = set(
        Receipt.objects.filter(alert=alert, emailed_at__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    recipients = []
    for subscription in subscriptions:
        user = subscription.user
        codes = {c.pk for c in subscription.issuing_countries.all()}
        if user.pk in already or not subscription.matches(alert, codes):
            continue
        held = rule.user_keys(user)
        if not rule.keys_allow(held, keys):
            continue
        if previous_keys and rule.keys_allow(held, previous_keys):
            continue
        recipients.append(user)
    if not recipients:
        return 0
    subject, body = alert_email_content(alert)
    messages = [EmailMessage(subject, body, to=[user.email]) for user in recipients]
    sent = get_connection().send_messages(messages) or 0
    now = timezone.now()
    Receipt.objects.bulk_create(
        [
            Receipt(alert=alert, user=user, country_code=user.country_id or "")
            for user in recipients
        ],
        ignore_conflicts=True,
    )
    Receipt.objects.filter(alert=alert, user__in=recipients).update(emailed_at=now)
    return sent

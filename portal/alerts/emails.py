"""E-mail to subscribed officers, within TLP's handling rules, as a background task.

TLP:CLEAR and TLP:GREEN: title, summary and link. TLP:AMBER and AMBER+STRICT: the title
and a link only. TLP:RED: a link and nothing else, not even the title (the alert
itself is read on the portal, behind sign-in and the access rule). Only users who may
see the alert are written to, once per alert, and only for the part of a widened
distribution that could not see it before.

Sending is a task (``alert_emails_task``, portal/core/tasks.py), enqueued when the alert's
fan-out runs after commit: a slow or failing mail server never delays a publication or a
push, and SMTP errors are retried with backoff. The task runs later, maybe minutes later,
so it decides everything again at sending time: an alert withdrawn in between is mailed
to nobody, and each recipient is checked against the alert's keys *then* (a narrowed
distribution or a revoked grant stops the e-mail). Each recipient's receipt is claimed
before their message is sent and released if sending fails, so a retry writes to those
not yet written to and nobody twice, even with two workers on the same alert.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import rule
from portal.accounts.locale import locale_override
from portal.core.tasks import enqueue_on_commit, retrying_task

from .models import AlertBulletin, AlertStatus, AlertSubscription, Receipt, Tlp

logger = logging.getLogger(__name__)


def _subject_prefix() -> str:
    return _("[Document fraud alert]")


def alert_email_content(alert: AlertBulletin) -> tuple[str, str]:
    """Subject and body of the e-mail about ``alert``, by its TLP mark, in the language
    active now (``locale_override`` of the recipient)."""
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + alert.get_absolute_url()
    prefix = _subject_prefix()
    if alert.tlp == Tlp.RED:
        return (
            _("%(prefix)s A new TLP:RED alert is waiting for you") % {"prefix": prefix},
            _("A TLP:RED alert was shared with you. Its content is only on the portal:")
            + f"\n\n{link}\n",
        )
    mark = alert.get_tlp_display()
    severity = alert.get_severity_display()
    subject = _("%(prefix)s %(severity)s: %(title)s") % {
        "prefix": prefix,
        "severity": severity,
        "title": alert.title,
    }
    read_it = _("Read it on the portal: %(link)s") % {"link": link}
    if alert.tlp in {Tlp.AMBER, Tlp.AMBER_STRICT}:
        return subject, f"{mark}\n\n{alert.title}\n\n{read_it}\n"
    return subject, f"{mark}\n\n{alert.title}\n\n{alert.summary}\n\n{read_it}\n"


def alert_email_recipients(*, alert: AlertBulletin, previous_keys: set[str]) -> list[Any]:
    """Subscribers the alert matches who may see it *now*, have not been written to about
    it, and could not see it before this change (``previous_keys``)."""
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
    return recipients


def alert_emails_send(*, alert: AlertBulletin, previous_keys: Iterable[str]) -> int:
    """Write to every recipient (``alert_email_recipients``), each in their own language;
    returns the number sent. An SMTP error stops the run: those written to so far keep
    their receipt, the others are left for the next attempt."""
    recipients = alert_email_recipients(alert=alert, previous_keys=set(previous_keys))
    if not recipients:
        return 0
    Receipt.objects.bulk_create(
        [
            Receipt(alert=alert, user=user, country_code=user.country_id or "")
            for user in recipients
        ],
        ignore_conflicts=True,
    )
    sent = 0
    with get_connection() as connection:  # one connection for them all
        for user in recipients:
            # Claim first: another worker sending about the same alert skips this user.
            claimed = Receipt.objects.filter(
                alert=alert, user=user, emailed_at__isnull=True
            ).update(emailed_at=timezone.now())
            if not claimed:
                continue
            try:
                with locale_override(user=user):
                    subject, body = alert_email_content(alert)
                connection.send_messages([EmailMessage(subject, body, to=[user.email])])
            except BaseException as error:
                Receipt.objects.filter(alert=alert, user=user).update(emailed_at=None)
                if not _refused_for_good(error):
                    raise  # transient: the task tries again, from this recipient on
                # One bad address must not keep the others waiting through every retry.
                logger.warning(
                    "The mail server refused the e-mail about alert %s to user %s: %s",
                    alert.pk,
                    user.pk,
                    error,
                )
                continue
            sent += 1
    return sent


def _refused_for_good(error: BaseException) -> bool:
    """The server refused this recipient or message permanently (an SMTP 5xx answer), as
    opposed to a dropped connection or a 4xx "try again later"."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


@retrying_task(retry_on=(smtplib.SMTPException, OSError))
def alert_emails_task(alert_id: int, previous_keys: list[str]) -> int:
    """Mail the subscribers about a published alert (see the module docstring); the
    alert is read again, and nothing is sent unless it is still published."""
    alert = AlertBulletin.objects.filter(pk=alert_id, status=AlertStatus.PUBLISHED).first()
    if alert is None:
        return 0
    return alert_emails_send(alert=alert, previous_keys=previous_keys)


def alert_emails_enqueue(*, alert: AlertBulletin, previous_keys: Iterable[str]) -> None:
    """Schedule the e-mails about ``alert`` once the current transaction commits (at once
    when called from an after-commit callback, as the fan-out does)."""
    enqueue_on_commit(alert_emails_task, alert.pk, sorted(previous_keys))

"""The certificate reminder e-mail: sent once, 30 days before a certificate expires, in
the holder's language (``locale_override``). The content names the course and the date
only; the certificate itself is on the portal, behind sign-in."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from portal.accounts.locale import locale_override
from portal.core.templatetags.portal_time import datetime_text

from .models import Certificate


def certificate_reminder_content(certificate: Certificate) -> tuple[str, str]:
    """Subject and body of the reminder about ``certificate`` (in the active language)."""
    try:
        path = reverse("training:mine")
    except NoReverseMatch:  # the pages are another part of the app
        path = "/training/"
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
    subject = _("Your certificate for %(course)s expires soon") % {
        "course": certificate.course_title
    }
    body = _(
        "Your certificate for the course %(course)s expires on %(date)s. Pass the "
        "course's quizzes again to renew it:"
    ) % {"course": certificate.course_title, "date": datetime_text(certificate.expires_at)}
    return subject, f"{body}\n\n{link}\n"


def certificate_reminder_send(*, certificate: Certificate) -> None:
    """Send the reminder to the holder (skipped for a holder without an address)."""
    user = certificate.user
    if not user.email or not user.is_active:
        return
    with locale_override(user=user):
        subject, body = certificate_reminder_content(certificate)
    EmailMessage(subject, body, to=[user.email]).send()

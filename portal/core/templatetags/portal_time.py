"""Times as every page, e-mail and export of the portal shows them: one format, the zone named.

``{{ alert.published_at|local_datetime }}`` →
``<time datetime="2026-11-26T10:18:00+00:00">26 Nov 2026, 17:18 (Asia/Bangkok)</time>``:
the reader's own zone (activated by ``portal.accounts.locale``) and its IANA name, so
an officer in Helsinki reading a Bangkok alert is never unsure which 17:18 it means,
and the ISO 8601 instant in UTC for machines (scripts, screen readers' date handling,
live.js). ``datetime_text`` is the same words without markup (plain-text e-mails,
attributes). ``local_date`` shows a day ("26 Nov 2026"): a date field as it is, an
instant as the day it is in the reader's zone.

The format is the active language's ``DATE_FORMAT`` and ``TIME_FORMAT``, which
``portal/core/formats`` makes the same in every language but for the month's name.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _instant(value: dt.datetime) -> dt.datetime:
    """An aware datetime (naive ones are read as the default zone, as Django does)."""
    if settings.USE_TZ and timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def datetime_words(value: dt.datetime) -> str:
    """ "26 Nov 2026, 17:18 (Asia/Bangkok)": ``value`` in the active zone, zone named."""
    local = timezone.localtime(_instant(value)) if settings.USE_TZ else value
    words = f"{date_format(local, 'DATE_FORMAT')}, {time_format(local, 'TIME_FORMAT')}"
    if not settings.USE_TZ:
        return words
    return f"{words} ({timezone.get_current_timezone_name()})"


@register.filter(is_safe=False)
def datetime_text(value) -> str:
    """The reader's time of ``value`` as plain words (no markup); ``""`` for nothing."""
    if not isinstance(value, dt.datetime):
        return ""
    return datetime_words(value)


@register.filter(is_safe=True)
def local_datetime(value) -> SafeString | str:
    """``<time datetime="ISO in UTC">26 Nov 2026, 17:18 (Asia/Bangkok)</time>``."""
    if not isinstance(value, dt.datetime):
        return ""
    instant = _instant(value)
    machine = instant.astimezone(dt.UTC).isoformat() if settings.USE_TZ else instant.isoformat()
    return format_html('<time datetime="{}">{}</time>', machine, datetime_words(instant))


@register.filter(is_safe=True)
def local_date(value) -> SafeString | str:
    """``<time datetime="2026-11-26">26 Nov 2026</time>``: a date, or an instant's day
    in the reader's zone."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(_instant(value)).date() if settings.USE_TZ else value.date()
    if not isinstance(value, dt.date):
        return ""
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), date_format(value, "DATE_FORMAT")
    )


@register.simple_tag
def current_time_zone() -> str:
    """The IANA name of the zone times are shown in (for a page's "times in ..." note)."""
    return timezone.get_current_timezone_name()

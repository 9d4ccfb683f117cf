"""Template tags of the site frame."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _unread_badge() -> SafeString:
    return format_html(
        ' <span class="unread__count" id="unread-count" data-count="0" aria-label="{}"></span>',
        gettext("unread alerts"),
    )


@register.simple_tag(takes_context=True)
def nav_link(context, url_name: str, label: str, unread_badge: bool = False) -> SafeString:
    """A navigation link marked ``aria-current="page"`` inside its own section.

    :param unread_badge: add the live unread-alert counter that the page's script fills.
    """
    url = reverse(url_name)
    request = context.get("request")
    current = request is not None and url != "/" and request.path.startswith(url)
    return format_html(
        '<a href="{}"{}>{}{}</a>',
        url,
        mark_safe(' aria-current="page"') if current else "",
        label,
        _unread_badge() if unread_badge else "",
    )

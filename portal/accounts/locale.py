"""Each person's language and time zone: their own choice, else their country's default.

The choice is stored where Wagtail keeps it (``wagtail.users.models.UserProfile``:
``preferred_language``, ``current_time_zone``), so the account page, Wagtail's own
account settings and the admin agree. Left empty, the country's defaults apply
(``access.Country.default_language`` / ``time_zone``), then English and UTC. Anonymous
visitors get the best match of their browser's ``Accept-Language``, in UTC.

A language is a *default* (the country's, or the browser's) only once the portal speaks
it: a compiled catalogue of the portal's own strings exists (``LOCALE_PATHS``). Until
then Django's and Wagtail's strings alone would be translated, and a Thai officer would
get pages half in Thai, half in English. A person who chooses a language on their
account page gets it whatever its state.

``UserLocaleMiddleware`` activates the result for every page, file and API answer;
``locale_override`` does the same around anything rendered for someone who is not the
requester (an e-mail to each subscriber).
"""

from __future__ import annotations

import gettext as gettext_module
import types
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

from portal.access.models.geography import time_zone_names


@dataclass(frozen=True)
class UserLocale:
    """The language and zone in force for a person, and where each came from."""

    language: str
    time_zone: str
    #: The country's defaults (what an empty choice means), for the account page.
    country_language: str
    country_time_zone: str


def _offered_language(code: str | None) -> str:
    """``code`` if the portal offers it (or a variant of it does), else ``""``."""
    if not code:
        return ""
    offered = dict(settings.LANGUAGES)
    if code in offered:
        return code
    generic = code.split("-")[0]
    return generic if generic in offered else ""


def portal_speaks(code: str) -> bool:
    """Whether the portal's own strings are translated into ``code`` (a compiled
    catalogue in ``LOCALE_PATHS``), or it is the source language."""
    if not code or code == settings.LANGUAGE_CODE:
        return bool(code)
    locale = translation.to_locale(code)
    return any(
        gettext_module.find("django", str(path), [locale]) is not None
        for path in settings.LOCALE_PATHS
    )


def _default_language(code: str | None) -> str:
    """``code`` as a default: offered by the portal and spoken by it, else ``""``."""
    code = _offered_language(code)
    return code if portal_speaks(code) else ""


def browser_language(request) -> str:
    """The first language of the browser's ``Accept-Language`` that the portal speaks."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in trans_real.parse_accept_lang_header(header):
        language = _default_language(code.lower())
        if language:
            return language
    return settings.LANGUAGE_CODE


def _known_zone(name: str | None) -> str:
    """``name`` if it is an IANA zone this machine knows, else ``""``."""
    if not name:
        return ""
    return name if name in time_zone_names() else ""


def _load_country_and_profile(user: Any) -> None:
    """Fill the user object's country and Wagtail profile in one query.

    The page frame reads the country anyway and the admin the profile, so a page costs
    no query more than before languages and zones were per person.
    """
    cache = user._state.fields_cache
    if "country" in cache and "wagtail_userprofile" in cache:
        return
    row = (
        get_user_model()
        ._default_manager.select_related("country", "wagtail_userprofile")
        .filter(pk=user.pk)
        .first()
    )
    if row is not None:
        cache.setdefault("country", row._state.fields_cache.get("country"))
        cache.setdefault("wagtail_userprofile", row._state.fields_cache.get("wagtail_userprofile"))


def locale_of(*, user: Any) -> UserLocale:
    """The language and time zone a signed-in ``user`` sees (one query, cached on the
    user object with their country and profile)."""
    cached = getattr(user, "_portal_locale", None)
    if cached is not None:
        return cached
    if getattr(user, "pk", None) is not None and hasattr(user, "_state"):
        _load_country_and_profile(user)
    country = getattr(user, "country", None)
    country_language = _default_language(getattr(country, "default_language", ""))
    country_zone = _known_zone(getattr(country, "time_zone", ""))
    try:
        profile = user.wagtail_userprofile
    except AttributeError:  # no profile yet (ObjectDoesNotExist subclasses AttributeError)
        profile = None
    language = _offered_language(getattr(profile, "preferred_language", ""))
    zone = _known_zone(getattr(profile, "current_time_zone", ""))
    result = UserLocale(
        language=language or country_language or settings.LANGUAGE_CODE,
        time_zone=zone or country_zone or settings.TIME_ZONE,
        country_language=country_language or settings.LANGUAGE_CODE,
        country_time_zone=country_zone or settings.TIME_ZONE,
    )
    user._portal_locale = result
    return result


def forget_locale(user: Any) -> None:
    """Drop the locale cached on a user object (after they change it)."""
    user.__dict__.pop("_portal_locale", None)


@contextmanager
def locale_override(*, user: Any) -> Iterator[UserLocale | None]:
    """Render inside this for ``user`` (an e-mail's recipient): their language and zone.

    Outside a request nothing else is active, so this is what makes a background task
    write each subscriber's e-mail in their own language with their own times.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        with (
            translation.override(settings.LANGUAGE_CODE),
            timezone.override(zoneinfo.ZoneInfo(settings.TIME_ZONE)),
        ):
            yield None
        return
    locale = locale_of(user=user)
    with (
        translation.override(locale.language),
        timezone.override(zoneinfo.ZoneInfo(locale.time_zone)),
    ):
        yield locale


def locale_activate(*, user: Any) -> None:
    """Switch the rest of this request to ``user``'s language and zone.

    For callers signed in after the middleware ran: the API authenticates bearer tokens
    itself. The middleware's ``override`` restores the previous state at the end.
    """
    locale = locale_of(user=user)
    translation.activate(locale.language)
    timezone.activate(zoneinfo.ZoneInfo(locale.time_zone))


class UserLocaleMiddleware:
    """Activate the requester's language and time zone for the whole answer.

    After the authentication middlewares (session and bearer token), so that a national
    system's token gets its account's language for error messages too. API answers keep
    ISO 8601 times with their offset (CONTRACT.md): only rendering changes, never data.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            locale = locale_of(user=user)
            language, zone = locale.language, locale.time_zone
        else:
            language = browser_language(request)
            zone = settings.TIME_ZONE
        with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
            # The API signs token callers in later (``locale_activate``): say what was used.
            language = translation.get_language()
        response.headers.setdefault("Content-Language", language)
        if user is None or not user.is_authenticated:
            # The same URL answers in the browser's language: caches must keep them apart.
            patch_vary_headers(response, ("Accept-Language",))
        return response


def user_locale_set(*, user: Any, language: str, time_zone: str) -> None:
    """Store a person's own language and time zone (``""``: their country's default).

    Kept in Wagtail's ``UserProfile``, so the admin's own account settings show and
    change the same choice.
    """
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = _offered_language(language)
    profile.current_time_zone = _known_zone(time_zone)
    profile.save(update_fields=["preferred_language", "current_time_zone"])
    user.__dict__.pop("wagtail_userprofile", None)
    user._state.fields_cache.pop("wagtail_userprofile", None)
    forget_locale(user)


def admin_localized_response(view_func, request, *args, **kwargs):
    """Wagtail's ``get_localized_response`` with the portal's defaults: the admin renders
    in the person's language and zone, else their country's (Wagtail's own falls back to
    the site's UTC and English, and skips people who never opened their admin settings)."""
    locale = locale_of(user=request.user) if request.user.is_authenticated else None
    if locale is None:
        return _wagtail_localized_response(view_func, request, *args, **kwargs)

    def localized():
        return (
            translation.override(locale.language),
            timezone.override(zoneinfo.ZoneInfo(locale.time_zone)),
        )

    language, zone = localized()
    with language, zone:
        response = view_func(request, *args, **kwargs)
    if hasattr(response, "render"):  # a TemplateResponse renders later: in the same locale
        render = response.render

        def render_localized(response):
            language, zone = localized()
            with language, zone:
                return render()

        response.render = types.MethodType(render_localized, response)
    return response


_wagtail_localized_response = None


def admin_follows_the_portal() -> None:
    """Route Wagtail's admin through ``admin_localized_response`` (once, from
    ``AccountsConfig.ready``): the admin shows the same times as the portal's pages."""
    global _wagtail_localized_response
    from wagtail.admin import auth, localization
    from wagtail.admin.views import i18n

    if _wagtail_localized_response is None:
        _wagtail_localized_response = localization.get_localized_response
    auth.get_localized_response = admin_localized_response
    i18n.get_localized_response = admin_localized_response

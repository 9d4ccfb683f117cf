"""Errors as JSON with messages a person understands (CONTRACT.md)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from .parser import NotAnObject, UnstorableText

logger = logging.getLogger(__name__)


def _unreadable_body(exc: HttpError) -> str | None:
    """The reason ninja could not parse a body, in words a person understands."""
    cause = exc.__cause__
    if isinstance(cause, (UnstorableText, NotAnObject)):
        return str(cause)
    if isinstance(cause, (ValueError, RecursionError)):
        return gettext("The request body is not valid JSON. Send a JSON object encoded as UTF-8.")
    return None


def _field_errors(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", []) if part not in {"body", "payload"}]
        name = ".".join(loc[-1:]) if loc else "request"
        fields.setdefault(name or "request", []).append(error.get("msg") or gettext("is not valid"))
    return fields


def install(api: NinjaAPI) -> None:
    """Register the portal's error shapes on ``api``."""

    @api.exception_handler(ValidationError)
    def invalid_input(request, exc):
        fields = _field_errors(exc.errors)
        return api.create_response(
            request,
            {"detail": gettext("Some fields are missing or not valid."), "errors": fields},
            status=400,
        )

    @api.exception_handler(DjangoValidationError)
    def invalid_value(request, exc):
        fields = exc.message_dict if hasattr(exc, "message_dict") else {"request": exc.messages}
        return api.create_response(
            request,
            {"detail": gettext("Some fields are not valid."), "errors": fields},
            status=400,
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request,
            {
                "detail": gettext(
                    "Sign in first: send 'Authorization: Bearer <token>' from "
                    "POST /api/v1/auth/token, or use a signed-in browser session."
                )
            },
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request, {"detail": gettext("Not found, or not shared with you.")}, status=404
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        message = str(exc) or gettext("Your role does not allow this.")
        return api.create_response(request, {"detail": message}, status=403)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        message = _unreadable_body(exc) if exc.status_code == 400 else None
        return api.create_response(request, {"detail": message or str(exc)}, status=exc.status_code)

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        # ninja adds the Retry-After header from the same wait.
        if exc.wait:
            detail = gettext("Too many requests: try again in %(seconds)s seconds.") % {
                "seconds": exc.wait
            }
        else:
            detail = gettext("Too many requests: try again later.")
        return api.create_response(request, {"detail": detail}, status=429)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return api.create_response(
            request,
            {"detail": gettext("The request is too large. Send less data in one request.")},
            status=400,
        )

    @api.exception_handler(SuspiciousOperation)
    @api.exception_handler(MultiPartParserError)
    def unreadable(request, exc):
        return api.create_response(
            request,
            {"detail": gettext("The request could not be read. Check its format and encoding.")},
            status=400,
        )

    @api.exception_handler(DataError)
    def unstorable(request, exc):
        # A value the database refuses (out of range, too long, ...): the input's fault,
        # not the server's, but every one is a missing check worth fixing — hence the log.
        logger.warning("API input refused by the database: %s", exc)
        return api.create_response(
            request,
            {
                "detail": gettext(
                    "A value is out of range or too long to be stored. Check the input."
                )
            },
            status=400,
        )

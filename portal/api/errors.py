"""Errors as JSON with messages a person understands (CONTRACT.md)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError


def _field_errors(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", []) if part not in {"body", "payload"}]
        name = ".".join(loc[-1:]) if loc else "request"
        fields.setdefault(name or "request", []).append(error.get("msg", "is not valid"))
    return fields


def install(api: NinjaAPI) -> None:
    """Register the portal's error shapes on ``api``."""

    @api.exception_handler(ValidationError)
    def invalid_input(request, exc):
        fields = _field_errors(exc.errors)
        return api.create_response(
            request,
            {"detail": "Some fields are missing or not valid.", "errors": fields},
            status=400,
        )

    @api.exception_handler(DjangoValidationError)
    def invalid_value(request, exc):
        fields = exc.message_dict if hasattr(exc, "message_dict") else {"request": exc.messages}
        return api.create_response(
            request, {"detail": "Some fields are not valid.", "errors": fields}, status=400
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request,
            {
                "detail": "Sign in first: send 'Authorization: Bearer <token>' from "
                "POST /api/v1/auth/token, or use a signed-in browser session."
            },
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request, {"detail": "Not found, or not shared with you."}, status=404
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        message = str(exc) or "Your role does not allow this."
        return api.create_response(request, {"detail": message}, status=403)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

"""The OpenAPI document declares every status an operation can answer, by construction.

``error_statuses`` derives an operation's error answers from what it is made of — its
authentication, the role it checks, its parameters, its throttles — so a new endpoint
cannot forget to document them. ``PortalOpenAPISchema`` adds them, with the one error
shape ``errors.py`` produces, next to the responses the operation declares itself.
"""

from __future__ import annotations

from ninja import Schema
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.schema import NinjaGenerateJsonSchema
from ninja.security.apikey import APIKeyCookie
from pydantic import Field

from .auth import Anonymous, role_required

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ErrorOut(Schema):
    """Every error answer of the API (``portal/api/errors.py``)."""

    detail: str = Field(description="What went wrong and what to do, for a person to read.")
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Bad input (400): the messages for each field, by field name.",
    )


def _csrf_checked(operation) -> bool:
    """Whether a browser session may be refused for a missing CSRF token (403)."""
    if operation.csrf_exempt or set(operation.methods) <= SAFE_METHODS:
        return False
    return any(isinstance(auth, APIKeyCookie) and auth.csrf for auth in operation.auth_callbacks)


def error_statuses(operation) -> dict[int, str]:
    """The error statuses ``operation`` can answer, each with its description.

    400 for anything that takes parameters or a body, 401 for anything authenticated,
    403 where a role is checked (or a browser session's CSRF token is), 404 where the path
    names an item, 429 where a throttle applies.
    """
    sources = {model.__ninja_param_source__ for model in operation.models}
    statuses: dict[int, str] = {}
    if sources:
        statuses[400] = "Bad input: `errors` holds the messages for each field."
    if operation.auth_callbacks:
        statuses[401] = (
            "Not signed in: send `Authorization: Bearer <token>` (POST /auth/token) "
            "or use a signed-in browser session."
        )
    forbidden = []
    if role_required(operation):
        forbidden.append("your role does not allow this")
    if _csrf_checked(operation):
        forbidden.append("a browser session sent no valid CSRF token")
    if forbidden:
        statuses[403] = "Forbidden: " + ", or ".join(forbidden) + "."
    if "path" in sources:
        statuses[404] = "Not found, or not shared with you."
    if operation.throttle_objects:
        statuses[429] = "Too many requests: try again after `Retry-After` seconds."
    return statuses


class PortalOpenAPISchema(OpenAPISchema):
    """ninja's OpenAPI document plus each operation's error answers."""

    def responses(self, operation):
        result = super().responses(operation)
        statuses = error_statuses(operation)
        if statuses and ErrorOut.__name__ not in self.schemas:
            self.schemas[ErrorOut.__name__] = ErrorOut.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
            )
        reference = {"$ref": REF_TEMPLATE.format(model=ErrorOut.__name__)}
        for status, description in statuses.items():
            # What an operation declares itself (e.g. /auth/token's 401) wins.
            result.setdefault(
                status,
                {
                    "description": description,
                    "content": {self.api.renderer.media_type: {"schema": reference}},
                },
            )
        return dict(sorted(result.items()))

    def operation_security(self, operation):
        # An anonymous caller is "no authentication", which OpenAPI writes as ``{}``.
        requirements = super().operation_security(operation)
        if requirements and any(isinstance(a, Anonymous) for a in operation.auth_callbacks):
            requirements = [r for r in requirements if Anonymous.__name__ not in r] + [{}]
            self.securitySchemes.pop(Anonymous.__name__, None)
        return requirements

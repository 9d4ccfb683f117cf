"""The account endpoints: tokens and who am I."""

from django.contrib.auth import authenticate
from django.http import HttpResponse
from django.utils.translation import gettext
from ninja import Router, Status

from portal.access import rule
from portal.accounts.lockout import (
    lockout_message,
    retry_after_seconds,
    sign_in_refused,
    sign_in_succeeded,
)
from portal.accounts.services import api_token_expires_at, api_token_issue

from .auth import member_auth
from .schemas import MeOut, MessageOut, TokenOut, TokenRequest

router = Router(tags=["accounts"])


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: MessageOut, 429: MessageOut},
    summary="Get a token",
)
def token(request, payload: TokenRequest, response: HttpResponse):
    """Exchange a username and password for a bearer token (shown only once).

    After too many wrong passwords for a username from one address, that username is
    refused from that address for a while (429, with ``Retry-After`` in seconds).
    """
    user = authenticate(request, username=payload.username, password=payload.password)
    if sign_in_refused(request):
        response["Retry-After"] = str(retry_after_seconds(request))
        return Status(429, {"detail": lockout_message(request)})
    if user is None or not user.is_active:
        return Status(
            401, {"detail": gettext("That username and password do not match an active account.")}
        )
    sign_in_succeeded(request, user=user)
    row, value = api_token_issue(user=user, name="POST /api/v1/auth/token")
    return Status(200, {"token": value, "expires_at": api_token_expires_at(row).isoformat()})


@router.get("/me", auth=member_auth, response=MeOut, summary="Who am I")
def me(request):
    """The caller's country, the networks it belongs to today, and roles."""
    user = request.auth
    return {
        "username": user.username,
        "country": user.country_id,
        "country_name": user.country.name if user.country_id else None,
        "networks": rule.user_networks(user),
        "roles": user.roles,
        "is_superuser": user.is_superuser,
    }

"""Request and response shapes shared by the routers."""

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext
from ninja import Schema
from pydantic import BeforeValidator


def _date_text(value):
    # pydantic would read a number as seconds since 1970; the API documents ISO 8601 text.
    if value is None or isinstance(value, str | dt.date):
        return value
    raise ValueError(
        gettext("Give the date as ISO 8601 text, e.g. 2024-03-01 or 2024-03-01T12:00:00Z.")
    )


#: A date or a date and time in a request, as the documented ISO 8601 text only.
DateText = Annotated[dt.date, BeforeValidator(_date_text)]
DateTimeText = Annotated[dt.datetime, BeforeValidator(_date_text)]


class TokenRequest(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: str


class MessageOut(Schema):
    detail: str


class CountryOut(Schema):
    code: str
    name: str


class MeOut(Schema):
    username: str
    country: str | None
    country_name: str | None
    networks: list[str]
    roles: list[str]
    is_superuser: bool

"""Request and response shapes shared by the routers."""

from ninja import Schema


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

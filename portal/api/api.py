"""The /api/v1 application: one NinjaAPI, routers added per domain app."""

from ninja import NinjaAPI

from . import errors
from .alerts import router as alerts_router
from .auth import member_auth
from .routers import router as accounts_router
from .search import router as search_router
from .specimens import router as specimens_router

api = NinjaAPI(
    title="Document Expert Network API",
    version="1",
    description=(
        "Alerts, specimens and search of the document-expert network. Authenticate with "
        "`POST /auth/token` and send `Authorization: Bearer <token>`; a signed-in browser "
        "session works as well. Items not shared with you are 404."
    ),
    urls_namespace="api",
    auth=member_auth,
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", accounts_router)
api.add_router("", specimens_router)
api.add_router("", alerts_router)
api.add_router("", search_router)

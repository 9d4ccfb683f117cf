"""The /api/v1 application: one NinjaAPI, routers added per domain app."""

from django.urls import path, re_path
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from . import errors
from .alerts import router as alerts_router
from .auth import member_auth
from .dashboards import router as dashboards_router
from .meetings import router as meetings_router
from .openapi import PortalOpenAPISchema
from .parser import PortalParser
from .routers import router as accounts_router
from .search import router as search_router
from .specimens import router as specimens_router
from .training import router as training_router


class PortalAPI(NinjaAPI):
    """A NinjaAPI that documents every error status and answers only in JSON.

    The OpenAPI document adds each operation's error answers (``openapi.py``), and any
    URL under the API that no operation matches is a JSON 404 rather than an HTML page.
    """

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return PortalOpenAPISchema(self, path_prefix)

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        # ninja's root view raises Django's (HTML) 404; the same name keeps the docs' links.
        not_found = csrf_exempt(self._not_found)
        patterns = [p for p in patterns if getattr(p, "name", None) != "api-root"]
        # Last, after every router: also after routers added later in this module.
        patterns += [path("", not_found, name="api-root"), re_path(r"", not_found)]
        return patterns, app_name, namespace

    def _not_found(self, request, *args, **kwargs):
        return self.create_response(
            request, {"detail": gettext("Not found, or not shared with you.")}, status=404
        )


api = PortalAPI(
    title="Document Expert Network API",
    version="1",
    description=(
        "Alerts, specimens, training and search of the document-expert network. Authenticate with "
        "`POST /auth/token` and send `Authorization: Bearer <token>`; a signed-in browser "
        "session works as well. Items not shared with you are 404."
    ),
    urls_namespace="api",
    auth=member_auth,
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=PortalParser(),
)
errors.install(api)
api.add_router("", accounts_router)
api.add_router("", specimens_router)
api.add_router("", alerts_router)
api.add_router("", search_router)
api.add_router("", training_router)
api.add_router("", meetings_router)
api.add_router("", dashboards_router)

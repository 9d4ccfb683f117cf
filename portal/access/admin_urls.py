"""Admin URLs answered before Wagtail's own (mounted at ``/admin/`` in ``portal/urls.py``).

Wagtail's generic views that load objects of any model by id, guarded by the access rule
(``admin_guard``), and the parts of the admin the portal switches off. Decorated as
Wagtail decorates its admin views: admin access required, the admin's 404 page, no
caching.
"""

from django.urls import path, re_path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.urls import display_custom_404
from wagtail.utils.urlpatterns import decorate_urlpatterns

from . import admin_guard

urlpatterns = [
    path(
        "bulk/<str:app_label>/<str:model_name>/<str:action>/",
        admin_guard.bulk_action,
        name="portal_bulk_action",
    ),
    path("snippets/", admin_guard.SnippetTypesView.as_view(), name="portal_snippet_types"),
    path(
        "editing-sessions/ping/<str:app_label>/<str:model_name>/<str:object_id>/<int:session_id>/",
        admin_guard.editing_session_ping,
        name="portal_editing_session_ping",
    ),
    # Wagtail's image and document libraries (their files would sit outside the rule;
    # /documents/, their public file URL, is not routed at all) and /admin/failwhale/, a
    # page that raises a server error on purpose.
    re_path(
        r"^(?:(?:api/main/)?(?:images|documents)/|failwhale/)",
        admin_guard.switched_off,
        name="portal_switched_off",
    ),
]

for decorator in (require_admin_access, display_custom_404, never_cache):
    urlpatterns = decorate_urlpatterns(urlpatterns, decorator)

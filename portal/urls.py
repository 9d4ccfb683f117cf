from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from portal.access import admin_urls as guarded_admin_urls
from portal.api.api import api
from portal.core import views as core_views
from portal.core.sections import sections_built
from portal.training import certificate_views as training_certificate_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("portal.accounts.urls")),
    path("api/v1/", api.urls),
    path("specimens/", include("portal.specimens.urls")),
    # Private files of shared items (images, documents), each behind its item's rule.
    path("files/", include("portal.media.urls")),
    path("alerts/", include("portal.alerts.urls")),
    path("search/", include("search.urls")),
    # === training: pages ===
    path("training/", include("portal.training.urls")),
    # === end training: pages ===
    # === meetings: pages ===
    path("meetings/", include("portal.meetings.urls")),
    # === end meetings: pages ===
    # === dashboards: import ===
    path("dashboards/", include("portal.dashboards.urls")),
    # === end dashboards: import ===
    # === training: quiz === the public page a certificate's QR code opens (no sign-in).
    path(
        "certificates/verify/<str:code>/",
        training_certificate_views.certificate_verify,
        name="certificate-verify",
    ),
    # === end training: quiz ===
    # Before Wagtail's own: generic admin views that load objects of any model by id,
    # guarded (bulk actions, the snippet index, editing sessions), and the parts of the
    # admin that are switched off (image and document libraries, the failwhale page).
    path("admin/", include(guarded_admin_urls)),
    path("admin/", include(wagtailadmin_urls)),
]

# Sections whose own apps arrive with later issues; each app's urls replace its entry.
for _name in core_views.SECTIONS:
    if _name in sections_built():  # built: the app's own pages answer at its URL
        continue
    urlpatterns.append(
        path(f"{_name}/", core_views.section, {"name": _name}, name=f"section-{_name}")
    )

# Wagtail pages (editorial content) live under /pages/ so that they never shadow the app.
urlpatterns.append(path("pages/", include(wagtail_urls)))

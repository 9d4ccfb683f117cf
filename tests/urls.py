"""The portal's URLs plus the test content type's page and API routes."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns
from tests.shareable_app import views
from tests.shareable_app.api import api


def failure(request):
    """A view that fails, to see what a server error shows (tests/core)."""
    raise RuntimeError("a secret the error carries")


urlpatterns = [
    path("test-failure/", failure, name="test-failure"),
    path("test-notices/", views.NoticeList.as_view(), name="test-notice-list"),
    path("test-notices/<int:pk>/", views.NoticeDetail.as_view(), name="test-notice-detail"),
    path("api/test/", api.urls),
    *portal_urlpatterns,
]

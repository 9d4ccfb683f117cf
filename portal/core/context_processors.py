"""What every page's frame shows about the signed-in user."""

from django.utils.translation import gettext_lazy as _

from portal.access import rule
from portal.core.sections import sections_built

SITE_NAME = _("Document Expert Network")


def portal(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_site_name": SITE_NAME}
    return {
        "portal_site_name": SITE_NAME,
        "portal_country": user.country,
        "portal_roles": user.role_labels,
        "portal_networks": rule.user_networks(user),
        "portal_sections_built": sections_built(),
    }

"""What every page's frame shows about the signed-in user."""

from portal.access import rule


def portal(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_site_name": "Document Expert Network"}
    return {
        "portal_site_name": "Document Expert Network",
        "portal_country": user.country,
        "portal_roles": user.role_labels,
        "portal_networks": rule.user_networks(user),
    }

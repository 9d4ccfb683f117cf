"""Wagtail's user admin, extended with the country field (Wagtail's documented hook)."""

from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .forms import PortalUserCreationForm, PortalUserEditForm


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm

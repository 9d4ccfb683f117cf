"""The Wagtail admin as part of the portal: a way back to it from every admin page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_menu_item")
def back_to_the_portal():
    return MenuItem(
        _("Back to the portal"), reverse("home"), name="portal", icon_name="arrow-left", order=1
    )

"""The Wagtail admin's create and edit views of alerts, through the alert services.

The admin edits the fields; the lifecycle (publish, review, withdraw) lives on the alert
page, where its rules are. A new alert is its author's draft; saving a published alert
makes a new version and pushes a widened distribution to the newly permitted.
"""

from __future__ import annotations

from wagtail.admin import messages
from wagtail.snippets.views.snippets import CreateView, EditView

from portal.access import rule

from . import services


class AlertCreateView(CreateView):
    def save_instance(self):
        alert = super().save_instance()
        services.alert_admin_saved(
            alert=alert, editor=self.request.user, created=True, previous_keys=set()
        )
        return alert

    def get_success_message(self, instance=None):
        return f"Draft “{self.object.title}” saved: publish it from the alert page."

    def get_success_buttons(self):
        return [
            messages.button(self.object.get_absolute_url(), "Open the alert page to publish"),
            *super().get_success_buttons(),
        ]


class AlertEditView(EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Before the form changes anything: who could see it already is not pushed again.
        self.previous_keys = rule.item_keys(self.object) if self.object else set()

    def save_instance(self):
        alert = super().save_instance()
        services.alert_admin_saved(
            alert=alert,
            editor=self.request.user,
            created=False,
            previous_keys=self.previous_keys,
        )
        return alert

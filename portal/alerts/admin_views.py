"""The Wagtail admin's create view of alerts.

Everything else is Wagtail's snippet views on ``portal.lifecycle``: save a draft,
publish (pushed to readers after commit, ``services.alert_published``), submit for a
second expert's review, approve or send back, schedule, lock, compare revisions,
unpublish. The alert page keeps its publication buttons for those not in the admin.
"""

from __future__ import annotations

from portal.lifecycle.viewsets import LifecycleCreateView


class AlertCreateView(LifecycleCreateView):
    def save_instance(self):
        # Its author: the alert page names them to the reviewer.
        self.form.instance.created_by = self.form.instance.created_by or self.request.user
        return super().save_instance()

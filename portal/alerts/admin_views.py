"""The Wagtail admin's create view of alerts.

Everything else is Wagtail's snippet views on ``portal.lifecycle``: save a draft,
publish (pushed to readers after commit, ``services.alert_published``), submit for a
second expert's review, approve or send back, schedule, lock, compare revisions,
unpublish. The alert page keeps its publication buttons for those not in the admin.
"""

from __future__ import annotations

from portal.lifecycle.viewsets import LifecycleCreateView, LifecycleEditView


class AlertCreateView(LifecycleCreateView):
    #: Fields a link may prefill (the dashboards' "Start an alert draft"), with their limits.
    PREFILL = {"title": 200, "summary": 1000}

    def get_initial(self):
        # Initial values only: the expert still reviews and saves the form themselves.
        initial = super().get_initial()
        if self.request.method == "GET":
            for name, limit in self.PREFILL.items():
                if value := self.request.GET.get(name, "").strip():
                    initial[name] = value[:limit]
        return initial

    def save_instance(self):
        # Its author: the alert page names them to the reviewer.
        self.form.instance.created_by = self.form.instance.created_by or self.request.user
        return super().save_instance()


def draft_uploads_store(form) -> None:
    """Check, clean and store the new uploads of a form's image rows now.

    Wagtail saves a live item's edit as a revision only (``form.save(commit=False)``):
    the rows, and so their files, are written when that revision is published. The
    revision must then name a stored, cleaned file — never the upload's own name.
    """
    for formset in form.formsets.values():
        for child in formset.forms:
            image = child.instance
            upload = getattr(image, "file", None)
            if (
                hasattr(image, "prepared_store")
                and upload
                and not getattr(upload, "_committed", True)
                and not child.cleaned_data.get("DELETE")
            ):
                image.prepared_store(image.prepare_upload(upload.file))


class AlertEditView(LifecycleEditView):
    def save_instance(self):
        if self.object.live:
            draft_uploads_store(self.form)
        return super().save_instance()

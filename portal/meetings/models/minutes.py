"""Minutes of a meeting beyond its outcomes: action items, finalized versions and the
history of finalizing and reopening."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .meetings import AgendaItem, Meeting, Outcome


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ActionItem(models.Model):
    """Something a country (or one person of it) undertook at a meeting, by a date.

    Open actions of earlier meetings of the network are carried onto the next meeting's
    agenda (``services.actions_carry_over``); owners are reminded before and after the
    due date (``tasks.action_reminders_task``).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    outcome = models.OneToOneField(
        Outcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="action"
    )
    text = models.TextField(_("action"), max_length=4000)
    owner_country = models.ForeignKey(
        "access.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name=_("owner (person)"),
    )
    due = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=4, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.text[:80]

    @staticmethod
    def today():
        """The date against which actions are due: today in UTC. One date for every
        reader and for the reminder round (owners sit in many zones; a due date is a
        day's work, not an instant), so "overdue" never differs between two pages."""
        return timezone.now().date()

    @property
    def overdue(self) -> bool:
        return self.status == ActionStatus.OPEN and self.due < self.today()


class MinutesVersion(models.Model):
    """The minutes as they were finalized (``number`` counts finalizations): a snapshot
    of the agenda with its outcomes, kept whatever changes after a reopening."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_versions")
    number = models.PositiveIntegerField()
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finalized_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField(default=list)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_minutes_version")
        ]
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")

    def __str__(self) -> str:
        return f"{self.meeting} — {self.number}"


class MinutesEvent(models.Model):
    """One finalization or reopening of a meeting's minutes: who, when and why."""

    class Action(models.TextChoices):
        FINALIZED = "finalized", _("Finalized")
        REOPENED = "reopened", _("Reopened")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_events")
    action = models.CharField(max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    version = models.ForeignKey(
        MinutesVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "at", "pk"]
        verbose_name = _("minutes event")
        verbose_name_plural = _("minutes events")

    def __str__(self) -> str:
        return f"{self.meeting} — {self.action}"

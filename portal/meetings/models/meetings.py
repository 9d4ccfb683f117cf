"""Meetings of a network and their agenda: the shared item and what hangs below it.

A ``Meeting`` is a shared item with a lifecycle (drafts, revisions, publication), never
public, owned by the country of the network's chair and edited by that country's chairs
and experts (``editor_roles``) and by the network's chair wherever they work
(``editor_user_ids``, read by ``portal.access.rule``). Its agenda items and their outcomes
are parental children: they travel in the meeting's revisions and are seen exactly when
the meeting is. Calendar bookkeeping (``ical_uid``, ``ical_sequence``), cancellation,
attendance and the minutes' state are written by ``services`` only and never taken back
from an older revision (``with_content_json``).
"""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from portal.access.models import Role
from portal.access.models.geography import validate_time_zone
from portal.lifecycle.models import Lifecycle
from portal.media.models import AttachedDocument

from ..admin_forms import AgendaItemForm, MeetingAdminForm, VisibleInlinePanel

#: The domain of every meeting's iCalendar UID: fixed, so a UID never depends on the host
#: the portal runs on (RFC 5545 asks for a globally unique, stable identifier).
ICAL_UID_DOMAIN = "meetings.document-experts.portal"


def ical_uid_new() -> str:
    """A fresh calendar UID (random, host-independent)."""
    return f"{uuid.uuid4()}@{ICAL_UID_DOMAIN}"


def validate_timezone(value: str) -> None:
    """An IANA time zone name that this system knows (``Asia/Manila``): one of
    ``zoneinfo.available_timezones()``, as for a user's zone — never a directory of the
    zone database (``Asia``), which ``ZoneInfo`` would try to open as a file."""
    if not value:
        raise ValidationError(_("Give the meeting's time zone."), code="invalid_timezone")
    validate_time_zone(value)


class MeetingStatus(models.TextChoices):
    """What a meeting is to its participants (CONTRACT.md's ``status``)."""

    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MinutesStatus(models.TextChoices):
    """The minutes' state: none yet, a draft seen by the editors, or final (locked)."""

    NONE = "none", _("No minutes")
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class Meeting(Lifecycle, ClusterableModel):
    """A meeting of a network's experts: when and where, who is invited, the agenda and
    its minutes.

    Times are stored in UTC and shown in each user's zone; ``timezone`` is the zone the
    meeting is planned in (its calendar entries carry it). ``ical_sequence`` rises, and
    only rises, when the time, the place or the cancellation changes (``save``).
    """

    allows_public = False
    #: Who of the owner country edits meetings (``rule.editor_roles``).
    editor_roles = (Role.CHAIR, Role.EXPERT)
    #: The fields whose change moves the calendar entry (``ical_sequence``).
    CALENDAR_FIELDS = ("starts_at", "ends_at", "timezone", "location", "online_url", "cancelled")
    #: Written by services only; an older revision never brings them back.
    SERVICE_FIELDS = (
        "ical_uid",
        "ical_sequence",
        "announced_sequence",
        "cancelled",
        "minutes_status",
    )

    title = models.CharField(_("title"), max_length=200)
    network = models.ForeignKey(
        "access.Network",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("network"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text=_("The zone the meeting is planned in, e.g. Asia/Manila."),
    )
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False, editable=False)
    ical_uid = models.CharField(
        _("calendar UID"), max_length=120, unique=True, default=ical_uid_new, editable=False
    )
    ical_sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    #: The ``ical_sequence`` the invited countries were last told of (push and e-mail);
    #: ``None`` until the meeting's first publication. Publishing from any path (the
    #: services, the API, the admin, a scheduled publication) announces what moved since.
    announced_sequence = models.PositiveIntegerField(null=True, editable=False)
    minutes_status = models.CharField(
        _("minutes"),
        max_length=8,
        choices=MinutesStatus.choices,
        default=MinutesStatus.NONE,
        editable=False,
    )
    invited_countries = models.ManyToManyField(
        "access.Country",
        through="Attendance",
        related_name="+",
        blank=True,
        verbose_name=_("invited countries"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    base_form_class = MeetingAdminForm

    panels = [
        FieldPanel("title"),
        FieldPanel("network"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("timezone")]),
        FieldRowPanel([FieldPanel("location"), FieldPanel("online_url")]),
        VisibleInlinePanel("agenda_items", heading=_("Agenda"), label=_("Agenda item")),
        MultiFieldPanel(
            [
                FieldPanel("owner_country"),
                FieldPanel("distribution_level"),
                FieldPanel("shared_countries"),
                FieldPanel("shared_networks"),
            ],
            heading=_("Distribution"),
        ),
    ]

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:detail", kwargs={"pk": self.pk})

    # --- what the meeting is ------------------------------------------------------------

    @property
    def meeting_status(self) -> str:
        """``planned``, ``held`` (ended in the past, not cancelled) or ``cancelled``
        (CONTRACT.md's ``status``; ``status`` itself is the lifecycle's)."""
        if self.cancelled:
            return MeetingStatus.CANCELLED
        if self.ends_at and self.ends_at <= dj_timezone.now():
            return MeetingStatus.HELD
        return MeetingStatus.PLANNED

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_times(self) -> tuple[datetime, datetime]:
        """Start and end in the meeting's own zone."""
        return self.starts_at.astimezone(self.zone), self.ends_at.astimezone(self.zone)

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def minutes_final(self) -> bool:
        return self.minutes_status == MinutesStatus.FINAL

    def editor_user_ids(self) -> list[int]:
        """Users who edit this meeting besides its country's chairs and experts: the
        network's chair (read by ``rule.compute_item_keys``)."""
        chair_id = self.network.chair_id if self.network_id else None
        return [chair_id] if chair_id else []

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A meeting ends after it starts.")})

    # --- writing the row ----------------------------------------------------------------

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        bookkeeping = (
            self.pk and update_fields is not None and set(update_fields) <= self.BOOKKEEPING_FIELDS
        )
        if not bookkeeping:
            self._calendar_guard()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "ical_uid", "ical_sequence"}
        super().save(*args, **kwargs)

    def _calendar_guard(self) -> None:
        """Whatever path saves the row (services, admin, a revision's publication, a
        shell): the UID stays the stored one and the sequence is the stored one, plus one
        when the time, place or cancellation changed — it can neither fall nor rise
        without a move."""
        if not self.pk:
            return
        row = (
            type(self)
            ._base_manager.filter(pk=self.pk)
            .values(*self.CALENDAR_FIELDS, "ical_uid", "ical_sequence")
            .first()
        )
        if row is None:
            return
        self.ical_uid = row["ical_uid"]
        moved = any(getattr(self, name) != row[name] for name in self.CALENDAR_FIELDS)
        self.ical_sequence = row["ical_sequence"] + (1 if moved else 0)

    # --- revisions -----------------------------------------------------------------------

    def _m2m_values(self) -> dict[str, list]:
        # Attendance is kept by services, not carried (and reset) by revisions.
        values = super()._m2m_values()
        values.pop("invited_countries", None)
        return values

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.SERVICE_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    def lifecycle_published(self, *, previous_keys: set[str], user: Any, reviewed: bool) -> None:
        """Announce what the publication changed for the invited countries (scheduled,
        moved, cancelled), and outcomes minuted in the admin make the minutes a draft
        (services do the same)."""
        from ..services import meeting_published_announce

        super().lifecycle_published(previous_keys=previous_keys, user=user, reviewed=reviewed)
        meeting_published_announce(meeting=self)
        if (
            self.minutes_status == MinutesStatus.NONE
            and Outcome.objects.filter(agenda_item__meeting_id=self.pk).exists()
        ):
            type(self)._default_manager.filter(pk=self.pk).update(
                minutes_status=MinutesStatus.DRAFT
            )
            self.minutes_status = MinutesStatus.DRAFT

    def publish(self, revision, user=None, *args, **kwargs):
        """Final minutes lock the agenda and its outcomes on every publishing path: a
        revision that changes them is refused until the minutes are reopened."""
        from ..services import agenda_snapshot

        # The row as stored: ``self`` may be an object carrying the new version in memory.
        row = type(self)._default_manager.filter(pk=self.pk).first() if self.pk else None
        if row is not None and row.minutes_final:
            draft = revision.as_object()
            if agenda_snapshot(draft) != agenda_snapshot(row):
                raise ValidationError(
                    _("The minutes are final: reopen them before changing the agenda.")
                )
        return super().publish(revision, user, *args, **kwargs)


class Attendance(models.Model):
    """A country invited to a meeting, and whether it attended (unknown until recorded)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    country = models.ForeignKey("access.Country", on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["country_id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "country"], name="unique_meeting_attendance")
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.meeting} — {self.country_id}"


class AgendaItem(ClusterableModel, Orderable):
    """A point of the agenda: who presents it, how long it takes, what it links to
    (specimens, alerts, courses — each shown only to those who may see it), and its
    outcomes once minuted."""

    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(_("title"), max_length=300)
    presenter_country = models.ForeignKey(
        "access.Country",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter country"),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    specimens = ParentalManyToManyField(
        "specimens.Specimen", blank=True, related_name="+", verbose_name=_("specimens")
    )
    alerts = ParentalManyToManyField(
        "alerts.AlertBulletin", blank=True, related_name="+", verbose_name=_("alerts")
    )
    courses = ParentalManyToManyField(
        "training.Course", blank=True, related_name="+", verbose_name=_("courses")
    )
    carried_action = models.ForeignKey(
        "meetings.ActionItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_items",
        editable=False,
        verbose_name=_("carried-over action"),
        help_text=_("The open action of an earlier meeting this item follows up."),
    )

    base_form_class = AgendaItemForm

    panels = [
        FieldRowPanel(
            [FieldPanel("title"), FieldPanel("presenter_country"), FieldPanel("duration_minutes")]
        ),
        FieldPanel("notes"),
        FieldRowPanel([FieldPanel("specimens"), FieldPanel("alerts"), FieldPanel("courses")]),
        InlinePanel("outcomes", heading=_("Outcomes"), label=_("Outcome")),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


class OutcomeKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    DECISION = "decision", _("Decision")
    ACTION = "action", _("Action")


class Outcome(Orderable):
    """What an agenda item led to, minuted: information, a decision, or an action (whose
    ``ActionItem`` follows it up)."""

    agenda_item = ParentalKey(AgendaItem, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(
        _("kind"), max_length=12, choices=OutcomeKind.choices, default=OutcomeKind.INFORMATION
    )
    text = models.TextField(_("text"), max_length=4000)

    panels = [FieldPanel("kind"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return self.text[:80]


class MeetingDocument(AttachedDocument, Orderable):
    """A document of a meeting (papers, presentations), served only through
    ``/files/meeting-documents/<id>/`` after the meeting's rule.

    A plain foreign key, not a parental one: documents are attached by a service
    (``services.meeting_document_attach``) and kept out of the meeting's revisions, so
    publishing an older revision never drops a document attached since."""

    media_folder = "meetings"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")

    panels = [FieldPanel("title"), FieldPanel("file")]

    class Meta(Orderable.Meta):
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")


class MeetingUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)


class MeetingGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)

"""The access log: reads of restricted items and denied attempts, append-only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """The access log is append-only: rows are never changed or deleted."""


class AccessRecord(models.Model):
    """One read of a restricted item (not public, or not yet released) through a page, the
    API, a file URL or the admin, or one attempt to reach an item that was refused.

    Name and country are copied so that the record survives account changes; the item is
    named by its type and id only (a title could change). Superusers read the log in the
    admin (Settings → Access log); nobody can change or delete a record — the model
    refuses it and, on PostgreSQL, so does the database.
    """

    class Outcome(models.TextChoices):
        READ = "read", _("Read")
        DENIED = "denied", _("Denied")

    class Channel(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")
        FILE = "file", _("File")
        ADMIN = "admin", _("Admin")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text=_("Empty: not signed in."))
    country_code = models.CharField(_("country"), max_length=3, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    item_type = models.CharField(max_length=100, help_text=_("e.g. specimens.specimen"))
    object_id = models.CharField(max_length=40)
    distribution_level = models.CharField(max_length=20, blank=True)
    detail = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("What was read (an image size) or why it was refused."),
    )
    method = models.CharField(max_length=8, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access record")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["item_type", "object_id"])]

    def __str__(self) -> str:
        who = self.username or "anonymous"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.outcome} {self.item_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Access records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access records cannot be deleted.")

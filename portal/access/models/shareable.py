"""What makes a content type shareable: an owner country, a distribution, and keys."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class DistributionLevel(models.TextChoices):
    """How far an item is shared, from its owner country outwards (CONTRACT.md)."""

    COUNTRY = "country", _("Owner country only")
    COUNTRIES = "countries", _("Owner and listed countries")
    NETWORKS = "networks", _("Owner and the member countries of listed networks")
    MEMBERS = "members", _("Every signed-in member")
    PUBLIC = "public", _("Anyone, without signing in")


class Shareable(models.Model):
    """Base of every item a country shares: specimens, alerts, courses, meetings ...

    A subclass gets an owner country and a distribution; ``portal.access.rule`` turns
    them into visibility keys stored in ``VisibilityKey`` whenever the item, its
    distribution or its django-guardian grants change. Subclasses with a lifecycle
    override ``is_released`` so that drafts stay with their country's experts, and
    those that may never be public set ``allows_public = False``.
    """

    owner_country = models.ForeignKey(
        "access.Country",
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_owned",
        help_text=_("The country that owns this item: its experts edit it."),
    )
    distribution_level = models.CharField(
        max_length=20,
        choices=DistributionLevel.choices,
        default=DistributionLevel.COUNTRY,
        help_text=_("Who may see this item besides the owner country."),
    )
    shared_countries = models.ManyToManyField(
        "access.Country",
        blank=True,
        related_name="%(app_label)s_%(class)s_shared",
        help_text=_("With level 'countries': the other countries that may see it."),
    )
    shared_networks = models.ManyToManyField(
        "access.Network",
        blank=True,
        related_name="%(app_label)s_%(class)s_shared",
        help_text=_("With level 'networks': every current member country of these networks."),
    )

    #: Whether the ``public`` level is allowed (alerts never are).
    allows_public = True

    class Meta:
        abstract = True

    def is_released(self) -> bool:
        """Whether the item is out of draft/review; unreleased items stay with experts."""
        return True

    @property
    def distribution(self) -> dict:
        """The distribution in CONTRACT.md's JSON shape."""
        data: dict = {"level": self.distribution_level}
        if self.distribution_level == DistributionLevel.COUNTRIES:
            data["countries"] = sorted(c.code for c in self.shared_countries.all())
        elif self.distribution_level == DistributionLevel.NETWORKS:
            data["networks"] = sorted(n.slug for n in self.shared_networks.all())
        return data


class VisibilityKey(models.Model):
    """One key of one shared item for one action: the rule's join table.

    An item is visible to a user when one of its ``view`` keys is among the user's keys
    (``members``, ``country:THA``, ``network:andex``, ``user:42`` ...). Rows are written
    only by ``portal.access.rule.sync_item_keys``.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("View")
        CHANGE = "change", _("Change")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    key = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "action", "key"], name="unique_visibility_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["content_type", "action", "key", "object_id"], name="visibility_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model}#{self.object_id} {self.action}: {self.key}"

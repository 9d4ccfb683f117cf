"""Countries and the expert networks they belong to."""

import functools
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel


def validate_language(value: str) -> None:
    """A language the portal offers (settings ``LANGUAGES``), or nothing."""
    if value and value not in dict(settings.LANGUAGES):
        raise ValidationError(
            _("“%(value)s” is not a language of the portal."), params={"value": value}
        )


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA time zone names this machine knows. ``zoneinfo.available_timezones()``
    walks the whole zone database on every call (about 15 ms): every request asked it
    once (the user's zone), so it is read once per process. A new zone arrives with a
    new ``tzdata``, which comes with a restart."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """An IANA time zone name such as Asia/Bangkok, or nothing."""
    if value and value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone name such as Asia/Bangkok."),
            params={"value": value},
        )


class Country(models.Model):
    """A country of the network, named by its ISO 3166-1 alpha-3 code (``THA``).

    Every user, and every shared item's owner, belongs to one country; distributions
    name countries by this code.
    """

    code = models.CharField(
        _("code"),
        primary_key=True,
        max_length=3,
        help_text=_("ISO 3166-1 alpha-3 code in capitals, e.g. THA."),
    )
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(
        _("region"),
        max_length=60,
        blank=True,
        help_text=_("UN M49 sub-region, e.g. South-eastern Asia."),
    )
    # Defaults of the people of this country until they choose otherwise on their
    # account page (Wagtail's UserProfile holds their own choice).
    default_language = models.CharField(
        _("default language"),
        max_length=10,
        blank=True,
        validators=[validate_language],
        help_text=_(
            "ISO 639-1 code of the language its officers see first, e.g. th; empty: English."
        ),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=63,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "IANA time zone its officers see times in first, e.g. Asia/Bangkok; empty: UTC."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Network(ClusterableModel):
    """A regional network of document experts (ANDEX, an RNDE), which countries join.

    Sharing an item with a network shares it with the countries that are members *now*:
    membership is read at request time, so joining or leaving takes effect at once.
    """

    slug = models.SlugField(
        _("slug"),
        unique=True,
        help_text=_("Short name used in distributions, e.g. andex."),
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    countries = models.ManyToManyField(
        Country,
        through="NetworkMembership",
        related_name="networks",
        blank=True,
        verbose_name=_("countries"),
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_networks",
        verbose_name=_("chair"),
        help_text=_("The expert who chairs the network's meetings."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("chair"),
        InlinePanel("memberships", heading=_("Member countries"), label=_("Member country")),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class NetworkMembership(models.Model):
    """A country's membership of a network; deleting it ends the membership."""

    network = ParentalKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("country")
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    panels = [FieldPanel("country"), FieldPanel("joined_on")]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "country"], name="unique_network_member")
        ]

    def __str__(self) -> str:
        return f"{self.country_id} in {self.network}"

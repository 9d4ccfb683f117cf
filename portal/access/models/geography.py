"""Countries and the expert networks they belong to."""

from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel


class Country(models.Model):
    """A country of the network, named by its ISO 3166-1 alpha-3 code (``THA``).

    Every user, and every shared item's owner, belongs to one country; distributions
    name countries by this code.
    """

    code = models.CharField(
        primary_key=True,
        max_length=3,
        help_text="ISO 3166-1 alpha-3 code in capitals, e.g. THA.",
    )
    name = models.CharField(max_length=100)
    region = models.CharField(
        max_length=60, blank=True, help_text="UN M49 sub-region, e.g. South-eastern Asia."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Network(ClusterableModel):
    """A regional network of document experts (ANDEX, an RNDE), which countries join.

    Sharing an item with a network shares it with the countries that are members *now*:
    membership is read at request time, so joining or leaving takes effect at once.
    """

    slug = models.SlugField(unique=True, help_text="Short name used in distributions, e.g. andex.")
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    countries = models.ManyToManyField(
        Country, through="NetworkMembership", related_name="networks", blank=True
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_networks",
        help_text="The expert who chairs the network's meetings.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("chair"),
        InlinePanel("memberships", heading="Member countries", label="Member country"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NetworkMembership(models.Model):
    """A country's membership of a network; deleting it ends the membership."""

    network = ParentalKey(Network, on_delete=models.CASCADE, related_name="memberships")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(null=True, blank=True)

    panels = [FieldPanel("country"), FieldPanel("joined_on")]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "country"], name="unique_network_member")
        ]

    def __str__(self) -> str:
        return f"{self.country_id} in {self.network}"

"""Reading, checking and applying a distribution in CONTRACT.md's JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from .models import Country, DistributionLevel, Network, Shareable


@dataclass(frozen=True)
class Distribution:
    """Who may see an item besides its owner country.

    ``{"level": "countries", "countries": ["THA", "VNM"]}``; see CONTRACT.md.
    """

    level: str
    countries: tuple[str, ...] = field(default_factory=tuple)
    networks: tuple[str, ...] = field(default_factory=tuple)
    #: The networks' primary keys, when ``from_data`` looked them up (not compared).
    network_ids: tuple[int, ...] = field(default_factory=tuple, compare=False)

    @classmethod
    def from_data(cls, data: object, *, allows_public: bool = True) -> Distribution:
        """Parse and check a distribution; ``ValidationError`` says what is wrong.

        Country codes and network slugs must exist; ``public`` is refused where the
        content type may not be public (alerts).
        """
        if not isinstance(data, dict):
            raise ValidationError(
                gettext(
                    'Give the distribution as an object, e.g. {"level": "networks", '
                    '"networks": ["andex"]}.'
                )
            )
        level = data.get("level")
        valid = [choice.value for choice in DistributionLevel]
        if level not in valid:
            raise ValidationError(
                gettext("Unknown distribution level %(level)s: use one of %(valid)s.")
                % {"level": repr(level), "valid": valid}
            )
        if level == DistributionLevel.PUBLIC and not allows_public:
            raise ValidationError(
                gettext("This kind of item can never be public; choose another level.")
            )
        countries = tuple(sorted({str(c).upper() for c in data.get("countries") or []}))
        networks = tuple(sorted({str(n).lower() for n in data.get("networks") or []}))
        if level == DistributionLevel.COUNTRIES:
            if not countries:
                raise ValidationError(gettext("Level 'countries' needs a list of country codes."))
            known = set(Country.objects.filter(code__in=countries).values_list("code", flat=True))
            unknown = sorted(set(countries) - known)
            if unknown:
                raise ValidationError(
                    gettext("Unknown country codes: %(codes)s.") % {"codes": ", ".join(unknown)}
                )
        elif countries:
            raise ValidationError(gettext("Countries can only be listed with level 'countries'."))
        if level == DistributionLevel.NETWORKS:
            if not networks:
                raise ValidationError(gettext("Level 'networks' needs a list of network slugs."))
            known = dict(Network.objects.filter(slug__in=networks).values_list("slug", "pk"))
            unknown = sorted(set(networks) - set(known))
            if unknown:
                raise ValidationError(
                    gettext("Unknown networks: %(slugs)s.") % {"slugs": ", ".join(unknown)}
                )
        elif networks:
            raise ValidationError(gettext("Networks can only be listed with level 'networks'."))
        else:
            known = {}
        return cls(
            level=level,
            countries=countries,
            networks=networks,
            network_ids=tuple(sorted(known.values())),
        )

    def as_data(self) -> dict:
        data: dict = {"level": self.level}
        if self.level == DistributionLevel.COUNTRIES:
            data["countries"] = list(self.countries)
        if self.level == DistributionLevel.NETWORKS:
            data["networks"] = list(self.networks)
        return data


def distribution_apply(*, item: Shareable, distribution: Distribution) -> None:
    """Set ``item``'s distribution (the item must be saved); its keys follow by signal,
    written once for the three changes (``rule.keys_sync_deferred``)."""
    from . import rule

    with rule.keys_sync_deferred():
        item.distribution_level = distribution.level
        item.save(update_fields=["distribution_level"])
        distribution_relations_set(item=item, distribution=distribution)


def distribution_relations_set(*, item: Shareable, distribution: Distribution) -> None:
    """Set ``item``'s shared countries and networks (for an item saved with its level
    already: a new one); its keys follow by signal."""
    from . import rule

    with rule.keys_sync_deferred():
        item.shared_countries.set(Country.objects.filter(code__in=distribution.countries))
        item.shared_networks.set(Network.objects.filter(slug__in=distribution.networks))


def distribution_relations_add(*, item: Shareable, distribution: Distribution) -> dict[str, list]:
    """Give an item created in this transaction (no countries or networks yet) the
    distribution's countries and networks, without reading relations it cannot have.
    Returns their primary keys as a revision stores them; its keys follow by signal."""
    from . import rule

    countries = sorted(distribution.countries)  # a country's primary key is its code
    networks = list(distribution.network_ids)
    if distribution.networks and len(networks) != len(distribution.networks):
        networks = sorted(
            Network.objects.filter(slug__in=distribution.networks).values_list("pk", flat=True)
        )
    with rule.keys_sync_deferred():
        if countries:
            item.shared_countries.add(*countries)
        if networks:
            item.shared_networks.add(*networks)
    return {"shared_countries": countries, "shared_networks": networks}

"""Reading, checking and applying a distribution in CONTRACT.md's JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .models import Country, DistributionLevel, Network, Shareable


@dataclass(frozen=True)
class Distribution:
    """Who may see an item besides its owner country.

    ``{"level": "countries", "countries": ["THA", "VNM"]}``; see CONTRACT.md.
    """

    level: str
    countries: tuple[str, ...] = field(default_factory=tuple)
    networks: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_data(cls, data: object, *, allows_public: bool = True) -> Distribution:
        """Parse and check a distribution; ``ValidationError`` says what is wrong.

        Country codes and network slugs must exist; ``public`` is refused where the
        content type may not be public (alerts).
        """
        if not isinstance(data, dict):
            raise ValidationError(
                'Give the distribution as an object, e.g. {"level": "networks", '
                '"networks": ["andex"]}.'
            )
        level = data.get("level")
        valid = [choice.value for choice in DistributionLevel]
        if level not in valid:
            raise ValidationError(f"Unknown distribution level {level!r}: use one of {valid}.")
        if level == DistributionLevel.PUBLIC and not allows_public:
            raise ValidationError("This kind of item can never be public; choose another level.")
        countries = tuple(sorted({str(c).upper() for c in data.get("countries") or []}))
        networks = tuple(sorted({str(n).lower() for n in data.get("networks") or []}))
        if level == DistributionLevel.COUNTRIES:
            if not countries:
                raise ValidationError("Level 'countries' needs a list of country codes.")
            known = set(Country.objects.filter(code__in=countries).values_list("code", flat=True))
            unknown = sorted(set(countries) - known)
            if unknown:
                raise ValidationError(f"Unknown country codes: {', '.join(unknown)}.")
        elif countries:
            raise ValidationError("Countries can only be listed with level 'countries'.")
        if level == DistributionLevel.NETWORKS:
            if not networks:
                raise ValidationError("Level 'networks' needs a list of network slugs.")
            known = set(Network.objects.filter(slug__in=networks).values_list("slug", flat=True))
            unknown = sorted(set(networks) - known)
            if unknown:
                raise ValidationError(f"Unknown networks: {', '.join(unknown)}.")
        elif networks:
            raise ValidationError("Networks can only be listed with level 'networks'.")
        return cls(level=level, countries=countries, networks=networks)

    def as_data(self) -> dict:
        data: dict = {"level": self.level}
        if self.level == DistributionLevel.COUNTRIES:
            data["countries"] = list(self.countries)
        if self.level == DistributionLevel.NETWORKS:
            data["networks"] = list(self.networks)
        return data


def distribution_apply(*, item: Shareable, distribution: Distribution) -> None:
    """Set ``item``'s distribution (the item must be saved); its keys follow by signal."""
    item.distribution_level = distribution.level
    item.save(update_fields=["distribution_level"])
    item.shared_countries.set(Country.objects.filter(code__in=distribution.countries))
    item.shared_networks.set(Network.objects.filter(slug__in=distribution.networks))

"""Reading the library: every selector filters through the access rule first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy

from portal.access import rule

from . import imaging
from .models import GlossaryTerm, LightSource, Specimen, SpecimenImage

#: The sort orders offered on the library page: key → (label, ordering).
SORTS = {
    "newest": (gettext_lazy("Newest first"), ("-created_at", "-pk")),
    "country": (
        gettext_lazy("Issuing country"),
        ("issuing_country__name", "document_type", "-pk"),
    ),
    "title": (gettext_lazy("Title"), ("title", "pk")),
}


def specimens_visible_to(*, user: Any) -> QuerySet[Specimen]:
    """Every specimen ``user`` may see."""
    return rule.visible_to(user=user, queryset=Specimen.objects.all())


@dataclass(frozen=True)
class LibraryFilters:
    """The library page's and the API's filters, all optional."""

    q: str = ""
    issuing_country: str = ""
    document_type: str = ""
    kind: str = ""
    fraud_type: str = ""
    feature: str = ""
    light_source: str = ""
    sort: str = "newest"


def specimens_library(*, user: Any, filters: LibraryFilters) -> QuerySet[Specimen]:
    """The visible specimens matching ``filters``, ready for cards (constant query count)."""
    queryset = specimens_visible_to(user=user).select_related("issuing_country")
    if filters.q:
        words = filters.q.split()
        for word in words[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(issuing_country__name__icontains=word)
                | Q(issuing_country__code__iexact=word)
                | Q(series__icontains=word)
                | Q(description__icontains=word)
                | Q(document_type__iexact=word)
            )
    if filters.issuing_country:
        queryset = queryset.filter(issuing_country_id=filters.issuing_country.upper())
    if filters.document_type:
        queryset = queryset.filter(document_type=filters.document_type)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.fraud_type:
        queryset = queryset.filter(fraud_type=filters.fraud_type)
    if filters.feature:
        queryset = queryset.filter(
            pk__in=Specimen.objects.filter(features__term__slug=filters.feature).values("pk")
        )
    if filters.light_source:
        queryset = queryset.filter(
            pk__in=SpecimenImage.objects.filter(light_source=filters.light_source).values(
                "specimen_id"
            )
        )
    ordering = SORTS.get(filters.sort, SORTS["newest"])[1]
    return queryset.order_by(*ordering)


def library_cards(page_items: list[Specimen], *, light: str = "") -> list[Specimen]:
    """Attach ``card_image`` (the image a card shows) to each specimen of a page, in 1 query.

    :param light: the light the library is filtered by: a specimen photographed under it
        shows that photograph (a UV search shows UV thumbnails); otherwise visible light,
        otherwise its first image.
    """
    preferred = light if light in LightSource.values else LightSource.VISIBLE

    def rank(image: SpecimenImage) -> int:
        if image.light_source == preferred:
            return 0
        return 1 if image.light_source == LightSource.VISIBLE else 2

    ids = [specimen.pk for specimen in page_items]
    first: dict[int, SpecimenImage] = {}
    images = SpecimenImage.objects.filter(specimen_id__in=ids).order_by("specimen_id", "sort_order")
    for image in images.only("id", "specimen_id", "light_source", "caption", "sort_order"):
        current = first.get(image.specimen_id)
        if current is None or rank(image) < rank(current):
            first[image.specimen_id] = image
    for specimen in page_items:
        specimen.card_image = first.get(specimen.pk)
    return page_items


def library_facets(*, user: Any) -> dict[str, list[tuple[str, str]]]:
    """Choices for the filter form: only values present among the user's visible specimens."""
    visible = specimens_visible_to(user=user)
    countries = (
        visible.order_by("issuing_country__name")
        .values_list("issuing_country_id", "issuing_country__name")
        .distinct()
    )
    features = (
        GlossaryTerm.objects.filter(features__specimen__in=visible.values("pk"))
        .order_by("term")
        .values_list("slug", "term")
        .distinct()
    )
    return {"issuing_country": list(countries), "feature": list(features)}


def specimen_detail(*, user: Any, pk: int) -> Specimen:
    """One specimen the user may see, with features and images loaded; ``Http404`` otherwise."""
    queryset = Specimen.objects.select_related(
        "issuing_country", "owner_country", "genuine_reference"
    ).prefetch_related(
        Prefetch("features", queryset=_features()),
        Prefetch("images", queryset=SpecimenImage.objects.order_by("sort_order", "pk")),
        "shared_countries",
        "shared_networks",
    )
    return rule.get_visible_or_404(user=user, queryset=queryset, pk=pk)


def _features():
    from .models import SpecimenFeature

    return SpecimenFeature.objects.select_related("term").order_by("sort_order", "pk")


def forgeries_visible(*, user: Any, specimen: Specimen) -> QuerySet[Specimen]:
    """The known forgeries of a genuine specimen that the user may see."""
    return (
        specimens_visible_to(user=user).filter(genuine_reference=specimen).order_by("-created_at")
    )


def reference_visible(*, user: Any, specimen: Specimen) -> Specimen | None:
    """The genuine reference of a forgery, if it exists and the user may see it."""
    if not specimen.genuine_reference_id:
        return None
    return specimens_visible_to(user=user).filter(pk=specimen.genuine_reference_id).first()


def specimens_newest(*, user: Any, limit: int = 5) -> list[Specimen]:
    """The newest specimens shared with the user (the home page's panel)."""
    return list(
        specimens_visible_to(user=user)
        .select_related("issuing_country")
        .order_by("-created_at", "-pk")[:limit]
    )


def glossary_term_specimens(*, user: Any, term: GlossaryTerm) -> QuerySet[Specimen]:
    return (
        specimens_visible_to(user=user)
        .filter(pk__in=Specimen.objects.filter(features__term=term).values("pk"))
        .select_related("issuing_country")
        .order_by("issuing_country__name", "title")
    )


@dataclass(frozen=True)
class SimilarImage:
    image: SpecimenImage
    distance: int

    @property
    def similarity(self) -> str:
        """The distance in words (``imaging.SIMILARITY_SCALE``), English and stable."""
        return imaging.similarity_of(self.distance)[0]

    @property
    def similarity_label(self) -> str:
        """The distance in words, translated for the page."""
        return imaging.similarity_of(self.distance)[1]


def images_similar(
    *,
    user: Any,
    hashes: bytes,
    limit: int = 5,
    exclude_specimen: int | None = None,
    max_distance: int = imaging.HASH_SIZE * imaging.HASH_SIZE,
) -> list[SimilarImage]:
    """The visible specimen images closest to ``hashes`` (perceptual, smallest first).

    The access rule filters the candidates inside the query; distances are computed on
    all candidate hashes at once with numpy.
    """
    candidates = SpecimenImage.objects.filter(
        specimen__in=specimens_visible_to(user=user).values("pk")
    ).exclude(hashes=b"")
    if exclude_specimen is not None:
        candidates = candidates.exclude(specimen_id=exclude_specimen)
    rows = [
        (pk, bytes(packed))
        for pk, packed in candidates.values_list("pk", "hashes")
        if len(packed) == imaging.HASH_COUNT * imaging.HASH_BYTES
    ]
    if not rows:
        return []
    found = imaging.distances(hashes, [packed for _, packed in rows])
    order = np.argsort(found, kind="stable")
    best = [(rows[i][0], int(found[i])) for i in order[:limit] if found[i] <= max_distance]
    by_pk = SpecimenImage.objects.select_related("specimen", "specimen__issuing_country").in_bulk(
        [pk for pk, _ in best]
    )
    return [SimilarImage(image=by_pk[pk], distance=distance) for pk, distance in best]

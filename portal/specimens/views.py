"""Pages of the specimen library, and the access-checked image file view."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from portal.access import audit, rule
from portal.access.views import hidden_asks_login
from portal.core.widgets import CountryFilter

from . import imaging, selectors
from .models import (
    DocumentType,
    FeatureCategory,
    FraudType,
    GlossaryTerm,
    Kind,
    LightSource,
    Specimen,
    SpecimenImage,
)

FILE = audit.Channel.FILE
PAGE_SIZE = 24
#: Of 256 bits: closer than this, two images show the same photo or template.
SIMILAR_MAX_DISTANCE = 24


@login_required
@require_safe
def library(request):
    """The card grid of visible specimens, with filters, sort and pagination."""
    params = request.GET
    filters = selectors.LibraryFilters(
        **{
            name: params.get(name, "").strip()[:100]
            for name in (
                "q",
                "issuing_country",
                "document_type",
                "kind",
                "fraud_type",
                "feature",
                "light_source",
                "sort",
            )
        }
    )
    queryset = selectors.specimens_library(user=request.user, filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(params.get("page"))
    selectors.library_cards(page.object_list, light=filters.light_source)
    query = params.copy()
    query.pop("page", None)
    facets = selectors.library_facets(user=request.user)
    country_filter = CountryFilter(
        countries=[(code, f"{name} ({code})") for code, name in facets["issuing_country"]],
        value=filters.issuing_country,
        user=request.user,
        empty_label=gettext("Any country"),
        field_id="f-country",
    )
    return render(
        request,
        "specimens/library.html",
        {
            "page": page,
            "filters": filters,
            "country_filter": country_filter,
            "active_filters": any(
                getattr(filters, name) for name in filters.__dataclass_fields__ if name != "sort"
            ),
            "query_string": query.urlencode(),
            "choices": {
                "issuing_country": facets["issuing_country"],
                "document_type": DocumentType.choices,
                "kind": Kind.choices,
                "fraud_type": FraudType.choices,
                "feature": facets["feature"],
                "light_source": LightSource.choices,
                "sort": [(key, label) for key, (label, _) in selectors.SORTS.items()],
            },
        },
    )


def _numbered_regions(image: SpecimenImage, features: dict[int, str]) -> list[dict]:
    """An image's marked regions numbered 1, 2, 3 as the viewer shows them, each with the
    name of its linked feature — only if that feature is one of the specimen's own."""
    numbered = []
    for number, region in enumerate(image.regions or [], start=1):
        if not isinstance(region, dict):
            continue
        feature = region.get("feature")
        shape = (
            {"points": region["points"]}
            if "points" in region
            else {key: region.get(key) for key in ("x", "y", "w", "h")}
        )
        numbered.append(
            {
                **shape,
                "number": number,
                "label": region.get("label", ""),
                "feature": feature if feature in features else None,
                "feature_name": features.get(feature, ""),
            }
        )
    return numbered


def _viewer_images(specimen: Specimen) -> list[dict]:
    features = {feature.pk: str(feature.term.term) for feature in specimen.features.all()}
    return [
        {
            "id": image.pk,
            "light": image.light_source,
            "light_label": image.get_light_source_display(),
            "zone": image.zone,
            "caption": image.caption,
            "width": image.width,
            "height": image.height,
            "regions": _numbered_regions(image, features),
            "zoom": image.zoom_url,
            "display": image.display_url,
            "thumbnail": image.thumbnail_url,
            "original": image.url("original"),
        }
        for image in specimen.images.all()
    ]


@require_safe
@hidden_asks_login
def detail(request, pk: int):
    """A specimen: header, image viewer with light switch, features, forgeries, similar."""
    specimen = selectors.specimen_detail(user=request.user, pk=pk)
    user = request.user
    images = _viewer_images(specimen)
    marked = [image for image in images if image["regions"]]
    # Each feature lists the regions linked to it, wherever they are marked.
    by_feature: dict[int, list[dict]] = {}
    for image in marked:
        for region in image["regions"]:
            if region["feature"]:
                by_feature.setdefault(region["feature"], []).append({**region, "image": image})
    for feature in specimen.features.all():
        feature.marked_regions = by_feature.get(feature.pk, [])
    return render(
        request,
        "specimens/detail.html",
        {
            "specimen": specimen,
            "images": images,
            "marked_images": marked,
            "lights": _lights(specimen.images.all()),
            "reference": selectors.reference_visible(user=user, specimen=specimen),
            "forgeries": list(selectors.forgeries_visible(user=user, specimen=specimen))
            if not specimen.is_forged
            else [],
            "can_edit": rule.can_change(user, specimen),
        },
    )


@login_required
@require_safe
def similar(request, pk: int):
    """The "similar images" block of a specimen page, loaded after the page itself.

    It compares the specimen's images with every image the user may see, so its cost grows
    with the library: the page does not wait for it (benchmarks/specimens.py).
    """
    specimen = selectors.specimen_detail(user=request.user, pk=pk)
    own_hashes = b"".join(
        imaging.hashes_split(image.hashes)[0] for image in specimen.images.all() if image.hashes
    )
    found = []
    if own_hashes:
        found = selectors.images_similar(
            user=request.user,
            hashes=own_hashes,
            limit=6,
            exclude_specimen=specimen.pk,
            max_distance=SIMILAR_MAX_DISTANCE,
        )
    fragment = request.headers.get("X-Fragment") == "1"
    return render(
        request,
        "specimens/_similar.html" if fragment else "specimens/similar.html",
        {"similar": found, "specimen": specimen},
    )


def _lights(images) -> list[tuple[str, str]]:
    seen = {image.light_source for image in images}
    return [(value, label) for value, label in LightSource.choices if value in seen]


@login_required
@require_safe
def compare(request, pk: int):
    """A forgery beside its genuine reference (or ``?with=`` any other visible specimen)."""
    left = selectors.specimen_detail(user=request.user, pk=pk)
    other = request.GET.get("with") or left.genuine_reference_id
    if not other:
        raise Http404("This specimen has no genuine reference to compare with.")
    try:
        right = selectors.specimen_detail(user=request.user, pk=int(other))
    except (TypeError, ValueError):
        raise Http404("No such specimen.") from None
    lights = [light for light in _lights(left.images.all()) if light in _lights(right.images.all())]
    requested = request.GET.get("light", LightSource.VISIBLE)
    return render(
        request,
        "specimens/compare.html",
        {
            "left": left,
            "right": right,
            "left_images": _viewer_images(left),
            "right_images": _viewer_images(right),
            "lights": lights or _lights(left.images.all()),
            "initial_light": requested if requested in LightSource.values else "visible",
        },
    )


@require_safe
def glossary(request):
    """Every security-feature term, grouped by category."""
    terms = GlossaryTerm.objects.order_by("category", "term")
    labels = dict(FeatureCategory.choices)
    groups: dict[str, list[GlossaryTerm]] = {}
    for term in terms:
        groups.setdefault(labels.get(term.category, term.category), []).append(term)
    return render(request, "specimens/glossary.html", {"groups": groups})


@require_safe
def glossary_term(request, slug: str):
    """A term explained, with the specimens the reader may see that carry it."""
    term = get_object_or_404(GlossaryTerm, slug=slug)
    specimens = selectors.glossary_term_specimens(user=request.user, term=term)
    return render(
        request, "specimens/glossary_term.html", {"term": term, "specimens": specimens[:200]}
    )


@require_safe
@hidden_asks_login
def image_file(request, pk: int, size: str):
    """An image file or rendition (``/specimens/images/<id>/<size>/``), served by the
    platform's file view (``portal.media.views.image_response``): the specimen's rule
    first, the access log, ``Cache-Control: private``, X-Accel-Redirect behind nginx."""
    from portal.media import registry
    from portal.media.views import image_response

    return image_response(
        request,
        kind=registry.kind_of(SpecimenImage),
        pk=pk,
        size=size,
        filename=lambda image, size, extension: (
            f"specimen-{image.specimen_id}-{image.light_source}-{size}.{extension}"
        ),
    )

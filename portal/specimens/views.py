"""Pages of the specimen library, and the access-checked image file view."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from portal.access import audit, rule

from . import imaging, selectors, services
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


def _visible_or_login(request, finder):
    """Run ``finder``; an anonymous visitor who meets a 404 is asked to sign in instead."""
    try:
        return finder(), None
    except Http404:
        if not request.user.is_authenticated:
            return None, redirect_to_login(request.get_full_path())
        raise


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
    selectors.library_cards(page.object_list)
    query = params.copy()
    query.pop("page", None)
    facets = selectors.library_facets(user=request.user)
    return render(
        request,
        "specimens/library.html",
        {
            "page": page,
            "filters": filters,
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


def _viewer_images(specimen: Specimen) -> list[dict]:
    return [
        {
            "id": image.pk,
            "light": image.light_source,
            "light_label": image.get_light_source_display(),
            "zone": image.zone,
            "caption": image.caption,
            "width": image.width,
            "height": image.height,
            "regions": image.regions,
            "zoom": image.zoom_url,
            "display": image.display_url,
            "thumbnail": image.thumbnail_url,
            "original": image.url("original"),
        }
        for image in specimen.images.all()
    ]


@require_safe
def detail(request, pk: int):
    """A specimen: header, image viewer with light switch, features, forgeries, similar."""
    specimen, redirect = _visible_or_login(
        request, lambda: selectors.specimen_detail(user=request.user, pk=pk)
    )
    if redirect:
        return redirect
    user = request.user
    return render(
        request,
        "specimens/detail.html",
        {
            "specimen": specimen,
            "images": _viewer_images(specimen),
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
def image_file(request, pk: int, size: str):
    """An image file or rendition, after the access rule; ``Cache-Control: private``.

    Behind nginx (``PRIVATE_MEDIA_ACCEL_PREFIX``) the bytes go out through an internal
    X-Accel-Redirect location; elsewhere Django streams them.
    """
    if size not in imaging.SIZES:
        raise Http404("Unknown image size.")

    def find():
        visible = selectors.specimens_visible_to(user=request.user).values("pk")
        try:
            return SpecimenImage.objects.select_related("specimen").get(pk=pk, specimen__in=visible)
        except SpecimenImage.DoesNotExist:
            audit.item_denied(
                user=request.user, model=SpecimenImage, object_id=pk, detail=size, channel=FILE
            )
            raise Http404("No such image, or you may not see it.") from None

    image, redirect = _visible_or_login(request, find)
    if redirect:
        return redirect
    if size == "original":
        stored = image.file
    else:
        stored = services.rendition_get(image=image, name=size).file
    audit.item_read(
        user=request.user,
        item=image.specimen,
        detail=f"image {image.pk} {size}",
        channel=FILE,
    )
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    extension = stored.name.rsplit(".", 1)[-1]
    filename = f"specimen-{image.specimen_id}-{image.light_source}-{size}.{extension}"
    accel_prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_PREFIX", "")
    if accel_prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel_prefix.rstrip("/") + "/" + stored.name
    else:
        response = FileResponse(stored.open("rb"), content_type=content_type)
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=600)
    patch_vary_headers(response, ["Cookie", "Authorization"])
    return response

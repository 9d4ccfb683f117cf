"""Template helpers of the training pages: numbered marked regions on a lesson's figure."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def numbered_regions(regions) -> list[dict]:
    """A training image's marked regions numbered 1, 2, 3 as on a specimen image, in
    percent of the image: rectangles ``x, y, w, h``, polygons ``points`` (SVG), and the
    corner (``left``, ``top``) where the number sits, outside the outline."""
    numbered = []
    for number, region in enumerate(regions or [], start=1):
        if not isinstance(region, dict):
            continue
        entry = {"number": number, "label": str(region.get("label", ""))}
        try:
            if "points" in region:
                points = [(float(x) * 100, float(y) * 100) for x, y in region["points"]]
                if not points:
                    continue
                entry["points"] = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
                entry["left"] = min(x for x, _ in points)
                entry["top"] = min(y for _, y in points)
            else:
                entry.update(
                    x=float(region["x"]) * 100,
                    y=float(region["y"]) * 100,
                    w=float(region["w"]) * 100,
                    h=float(region["h"]) * 100,
                )
                entry["left"], entry["top"] = entry["x"], entry["y"]
        except (KeyError, TypeError, ValueError):
            continue
        numbered.append(entry)
    return numbered


@register.filter
def size_url(image, size: str) -> str:
    """The rule-checked URL of a private image at ``size`` (``thumbnail``, ``display``,
    ``zoom``, ``original``); empty when there is no image."""
    return image.private_url(size) if image is not None and getattr(image, "pk", None) else ""

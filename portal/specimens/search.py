"""The specimen library and the glossary in search (``search.registry``)."""

from __future__ import annotations

from search.registry import (
    SearchDocument,
    SearchType,
    country_words,
    document_text,
    search_type_register,
)


def specimen_document(specimen) -> SearchDocument:
    images = list(specimen.images.all())
    feature_words = " ".join(
        f"{feature.term.term} {feature.note}"
        for feature in specimen.features.select_related("term")
    )
    body = document_text(
        country_words(specimen.issuing_country),
        specimen.get_document_type_display(),
        specimen.get_kind_display(),
        specimen.get_fraud_type_display() if specimen.fraud_type else "",
        specimen.series,
        specimen.description,
        specimen.detection_points,
        feature_words,
        *(image.caption for image in images),
    )
    return SearchDocument(
        title=specimen.title,
        body=body,
        url=specimen.get_absolute_url(),
        issuing_country=specimen.issuing_country_id or "",
        document_type=specimen.document_type,
        fraud_type=specimen.fraud_type,
        light_sources=[image.light_source for image in images],
        thumbnail_url=images[0].thumbnail_url if images else "",
        marks={"kind": specimen.kind},
    )


def glossary_document(term) -> SearchDocument:
    return SearchDocument(
        title=term.term,
        body=document_text(
            term.get_category_display(),
            term.definition,
            term.how_to_check,
            *term.light_source_labels,
        ),
        url=term.get_absolute_url(),
        light_sources=list(term.light_sources),
    )


def register() -> None:
    from .models import GlossaryTerm, Specimen, SpecimenFeature, SpecimenImage

    search_type_register(
        SearchType(
            slug="specimen",
            label="Specimens",
            model=Specimen,
            document=specimen_document,
            dependents=(
                (SpecimenImage, lambda image: image.specimen),
                (SpecimenFeature, lambda feature: feature.specimen),
            ),
        )
    )
    search_type_register(
        SearchType(
            slug="glossary",
            label="Glossary",
            model=GlossaryTerm,
            document=glossary_document,
            open_to_members=True,
        )
    )

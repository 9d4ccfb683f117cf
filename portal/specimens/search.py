"""The specimen library and the glossary in search (``search.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from search.facets import (
    Facet,
    Mark,
    choices_labels,
    choices_vocabulary,
    country_labels,
    country_vocabulary,
    upper,
)
from search.registry import (
    SearchDocument,
    SearchType,
    country_words,
    document_lead,
    document_text,
    search_type_register,
)

from .models.vocabularies import DocumentType, FraudType, Kind, LightSource

# Facets shared with alerts (``portal.alerts.search``): one declaration, one URL parameter.
ISSUING_COUNTRY = Facet(
    name="issuing_country",
    label=_("Issuing country"),
    values=lambda item: [item.issuing_country_id],
    labels=country_labels,
    normalize=upper,
    vocabulary=country_vocabulary,
)
DOCUMENT_TYPE = Facet(
    name="document_type",
    label=_("Document type"),
    values=lambda item: [item.document_type],
    labels=choices_labels(DocumentType),
    vocabulary=choices_vocabulary(DocumentType),
)
FRAUD_TYPE = Facet(
    name="fraud_type",
    label=_("Fraud type"),
    values=lambda item: [item.fraud_type],
    labels=choices_labels(FraudType),
)
#: A specimen's images' lights; a glossary term's "look under" lights.
LIGHT_SOURCE = Facet(
    name="light_source",
    label=_("Light source"),
    values=lambda item: (
        item.light_sources
        if hasattr(item, "light_sources")
        else [image.light_source for image in item.images.all()]
    ),
    labels=choices_labels(LightSource),
)


def specimen_document(specimen) -> SearchDocument:
    images = list(specimen.images.all())
    features = [
        f"{feature.term.term}: {feature.note}" if feature.note else feature.term.term
        for feature in specimen.features.select_related("term")
    ]
    issued = specimen.first_issued.year if specimen.first_issued else None
    body = document_text(
        document_lead(
            country_words(specimen.issuing_country),
            specimen.get_document_type_display(),
            specimen.get_kind_display(),
            specimen.get_fraud_type_display() if specimen.fraud_type else "",
            specimen.series,
            # The year of issue, searched like a series year ("passport 2022").
            _("first issued %(year)s") % {"year": issued}
            if issued and str(issued) not in specimen.series
            else "",
        ),
        specimen.description,
        specimen.detection_points,
        *features,
        *(image.caption for image in images),
    )
    return SearchDocument(
        title=specimen.title,
        body=body,
        url=specimen.get_absolute_url(),
        facets={"light_source": [image.light_source for image in images]},
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
            ", ".join(str(label) for label in term.light_source_labels),
        ),
        url=term.get_absolute_url(),
    )


def register() -> None:
    from .models import GlossaryTerm, Specimen, SpecimenFeature, SpecimenImage

    search_type_register(
        SearchType(
            slug="specimen",
            label=_("Specimens"),
            singular=_("Specimen"),
            model=Specimen,
            document=specimen_document,
            facets=(ISSUING_COUNTRY, DOCUMENT_TYPE, FRAUD_TYPE, LIGHT_SOURCE),
            marks=(Mark("kind", labels=choices_labels(Kind)),),
            browse_url="specimens:library",
            dependents=(
                (SpecimenImage, lambda image: image.specimen),
                (SpecimenFeature, lambda feature: feature.specimen),
            ),
        )
    )
    search_type_register(
        SearchType(
            slug="glossary",
            label=_("Glossary"),
            singular=_("Glossary term"),
            model=GlossaryTerm,
            document=glossary_document,
            facets=(LIGHT_SOURCE,),
            browse_url="specimens:glossary",
            open_to_members=True,
        )
    )

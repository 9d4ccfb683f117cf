"""Alert bulletins in search (``search.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.specimens.search import DOCUMENT_TYPE, FRAUD_TYPE, ISSUING_COUNTRY
from search.facets import Mark, choices_labels
from search.registry import (
    SearchDocument,
    SearchType,
    country_words,
    document_lead,
    document_text,
    search_type_register,
)


def alert_document(alert) -> SearchDocument:
    body = document_text(
        document_lead(
            country_words(alert.issuing_country),
            alert.get_document_type_display() if alert.document_type else "",
            alert.get_fraud_type_display() if alert.fraud_type else "",
        ),
        alert.summary,
        alert.body,
    )
    return SearchDocument(
        title=alert.title,
        body=body,
        url=alert.get_absolute_url(),
        marks={"tlp": alert.tlp, "severity": alert.severity, "status": alert.status},
    )


def register() -> None:
    from .models import AlertBulletin, Severity, Tlp

    search_type_register(
        SearchType(
            slug="alert",
            label=_("Alerts"),
            singular=_("Alert"),
            model=AlertBulletin,
            document=alert_document,
            # The facets specimens declare too: one panel, one URL parameter each.
            facets=(ISSUING_COUNTRY, DOCUMENT_TYPE, FRAUD_TYPE),
            marks=(
                Mark("tlp", labels=choices_labels(Tlp)),
                Mark("severity", labels=choices_labels(Severity)),
            ),
            browse_url="alerts:list",
        )
    )

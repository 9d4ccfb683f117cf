"""Alert bulletins in search (``search.registry``)."""

from __future__ import annotations

from search.registry import (
    SearchDocument,
    SearchType,
    country_words,
    document_text,
    search_type_register,
)


def alert_document(alert) -> SearchDocument:
    body = document_text(
        country_words(alert.issuing_country),
        alert.get_document_type_display() if alert.document_type else "",
        alert.get_fraud_type_display() if alert.fraud_type else "",
        alert.summary,
        alert.body,
    )
    return SearchDocument(
        title=alert.title,
        body=body,
        url=alert.get_absolute_url(),
        issuing_country=alert.issuing_country_id or "",
        document_type=alert.document_type,
        fraud_type=alert.fraud_type,
        marks={"tlp": alert.tlp, "severity": alert.severity, "status": alert.status},
    )


def register() -> None:
    from .models import AlertBulletin

    search_type_register(
        SearchType(slug="alert", label="Alerts", model=AlertBulletin, document=alert_document)
    )

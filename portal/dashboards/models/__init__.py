"""The dashboards domain: anonymized cases and their imports (``cases``) and the
vocabularies they use (``vocabularies``)."""

from .cases import CrossingPoint, DatasetVersion, FraudCase, ImportBatch, ScannedCount
from .vocabularies import AgeBand, BorderType, CaseResult, Gender

__all__ = [
    "AgeBand",
    "BorderType",
    "CaseResult",
    "CrossingPoint",
    "DatasetVersion",
    "FraudCase",
    "Gender",
    "ImportBatch",
    "ScannedCount",
]

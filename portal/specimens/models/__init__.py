"""Models of the specimen library, one module per concept."""

from .documents import SpecimenDocument
from .glossary import GlossaryTerm
from .images import SpecimenImage, SpecimenImageRendition
from .specimen import (
    Specimen,
    SpecimenFeature,
    SpecimenGroupObjectPermission,
    SpecimenUserObjectPermission,
)
from .vocabularies import (
    DocumentType,
    FeatureCategory,
    FraudType,
    IcaoCategory,
    Kind,
    LightSource,
    Status,
)

__all__ = [
    "DocumentType",
    "FeatureCategory",
    "FraudType",
    "GlossaryTerm",
    "IcaoCategory",
    "Kind",
    "LightSource",
    "Specimen",
    "SpecimenDocument",
    "SpecimenFeature",
    "SpecimenGroupObjectPermission",
    "SpecimenImage",
    "SpecimenImageRendition",
    "SpecimenUserObjectPermission",
    "Status",
]

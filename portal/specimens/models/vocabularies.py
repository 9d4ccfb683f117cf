"""The controlled vocabularies of the library (CONTRACT.md: extend, never rename)."""

from django.db import models


class DocumentType(models.TextChoices):
    PASSPORT = "passport", "Passport"
    ID_CARD = "id_card", "Identity card"
    VISA = "visa", "Visa"
    RESIDENCE_PERMIT = "residence_permit", "Residence permit"
    TRAVEL_DOCUMENT = "travel_document", "Travel document"
    BREEDER_DOCUMENT = "breeder_document", "Breeder document"
    HEALTH_DOCUMENT = "health_document", "Health document"
    DRIVING_LICENCE = "driving_licence", "Driving licence"
    SEAMAN_BOOK = "seaman_book", "Seafarer's identity document"


class IcaoCategory(models.TextChoices):
    """The ICAO Doc 9303 format of the document (size and MRZ layout)."""

    TD3 = "td3", "TD3 — passport booklet (ID-3)"
    TD2 = "td2", "TD2 — ID-2 card"
    TD1 = "td1", "TD1 — ID-1 card"
    MRV_A = "mrv_a", "MRV-A — visa foil, full size"
    MRV_B = "mrv_b", "MRV-B — visa foil, reduced size"
    NONE = "none", "No machine-readable format"


class Kind(models.TextChoices):
    GENUINE = "genuine", "Genuine"
    FORGED = "forged", "Forged"


class FraudType(models.TextChoices):
    """INTERPOL's typology of document fraud."""

    COUNTERFEIT = "counterfeit", "Counterfeit"
    FORGERY = "forgery", "Forgery (altered genuine)"
    PSEUDO_DOCUMENT = "pseudo_document", "Pseudo-document"
    FRAUDULENTLY_OBTAINED_GENUINE = (
        "fraudulently_obtained_genuine",
        "Fraudulently obtained genuine",
    )
    IMPOSTOR = "impostor", "Impostor (look-alike)"
    STOLEN_BLANK = "stolen_blank", "Stolen blank"


class LightSource(models.TextChoices):
    VISIBLE = "visible", "Visible light"
    UV = "uv", "Ultraviolet (UV)"
    IR = "ir", "Infrared (IR)"
    TRANSMITTED = "transmitted", "Transmitted light"
    OBLIQUE = "oblique", "Oblique light"
    COAXIAL = "coaxial", "Coaxial light"


class Status(models.TextChoices):
    """Whether documents of this series are still met at the border."""

    IN_CIRCULATION = "in_circulation", "In circulation"
    NO_LONGER_ISSUED = "no_longer_issued", "No longer issued, still valid"
    INVALID = "invalid", "No longer valid"


class FeatureCategory(models.TextChoices):
    """The security-feature taxonomy the glossary is organised by."""

    SUBSTRATE = "substrate", "Substrate"
    WATERMARK = "watermark", "Watermark"
    PRINTING = "printing", "Printing techniques"
    OPTICALLY_VARIABLE = "optically_variable", "Optically variable features"
    UV = "uv", "UV features"
    IR = "ir", "IR features"
    MRZ = "mrz", "Machine-readable zone"
    CHIP = "chip", "Chip (eMRTD)"
    PERSONALISATION = "personalisation", "Personalisation"
    BINDING = "binding", "Binding"
    SECURITY_THREAD = "security_thread", "Security thread"
    LAMINATE = "laminate", "Laminate and overlays"
    PERFORATION = "perforation", "Perforation"
    OTHER = "other", "Other"

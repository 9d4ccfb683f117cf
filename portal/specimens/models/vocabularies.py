"""The controlled vocabularies of the library (CONTRACT.md: extend, never rename)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("Identity card")
    VISA = "visa", _("Visa")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    TRAVEL_DOCUMENT = "travel_document", _("Travel document")
    BREEDER_DOCUMENT = "breeder_document", _("Breeder document")
    HEALTH_DOCUMENT = "health_document", _("Health document")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    SEAMAN_BOOK = "seaman_book", _("Seafarer's identity document")


class IcaoCategory(models.TextChoices):
    """The ICAO Doc 9303 format of the document (size and MRZ layout)."""

    TD3 = "td3", _("TD3 — passport booklet (ID-3)")
    TD2 = "td2", _("TD2 — ID-2 card")
    TD1 = "td1", _("TD1 — ID-1 card")
    MRV_A = "mrv_a", _("MRV-A — visa foil, full size")
    MRV_B = "mrv_b", _("MRV-B — visa foil, reduced size")
    NONE = "none", _("No machine-readable format")


class Kind(models.TextChoices):
    GENUINE = "genuine", _("Genuine")
    FORGED = "forged", _("Forged")


class FraudType(models.TextChoices):
    """INTERPOL's typology of document fraud."""

    COUNTERFEIT = "counterfeit", _("Counterfeit")
    FORGERY = "forgery", _("Forgery (altered genuine)")
    PSEUDO_DOCUMENT = "pseudo_document", _("Pseudo-document")
    FRAUDULENTLY_OBTAINED_GENUINE = (
        "fraudulently_obtained_genuine",
        _("Fraudulently obtained genuine"),
    )
    IMPOSTOR = "impostor", _("Impostor (look-alike)")
    STOLEN_BLANK = "stolen_blank", _("Stolen blank")


class LightSource(models.TextChoices):
    VISIBLE = "visible", _("Visible light")
    UV = "uv", _("Ultraviolet (UV)")
    IR = "ir", _("Infrared (IR)")
    TRANSMITTED = "transmitted", _("Transmitted light")
    OBLIQUE = "oblique", _("Oblique light")
    COAXIAL = "coaxial", _("Coaxial light")


class Status(models.TextChoices):
    """Whether documents of this series are still met at the border."""

    IN_CIRCULATION = "in_circulation", _("In circulation")
    NO_LONGER_ISSUED = "no_longer_issued", _("No longer issued, still valid")
    INVALID = "invalid", _("No longer valid")


class FeatureCategory(models.TextChoices):
    """The security-feature taxonomy the glossary is organised by."""

    SUBSTRATE = "substrate", _("Substrate")
    WATERMARK = "watermark", _("Watermark")
    PRINTING = "printing", _("Printing techniques")
    OPTICALLY_VARIABLE = "optically_variable", _("Optically variable features")
    UV = "uv", _("UV features")
    IR = "ir", _("IR features")
    MRZ = "mrz", _("Machine-readable zone")
    CHIP = "chip", _("Chip (eMRTD)")
    PERSONALISATION = "personalisation", _("Personalisation")
    BINDING = "binding", _("Binding")
    SECURITY_THREAD = "security_thread", _("Security thread")
    LAMINATE = "laminate", _("Laminate and overlays")
    PERFORATION = "perforation", _("Perforation")
    OTHER = "other", _("Other")

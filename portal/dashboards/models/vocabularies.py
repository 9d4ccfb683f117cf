"""The case data's own vocabularies (CONTRACT.md, "Dashboards"). Document and fraud
types are the library's (``portal.specimens.models.vocabularies``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BorderType(models.TextChoices):
    AIR = "air", _("Air border")
    LAND = "land", _("Land border")
    SEA = "sea", _("Sea border")


class CaseResult(models.TextChoices):
    """What secondary inspection found."""

    GENUINE = "genuine", _("Genuine")
    FRAUDULENT_DOCUMENT = "fraudulent_document", _("Fraudulent document")
    IMPOSTOR = "impostor", _("Impostor")


class Gender(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    OTHER = "x", _("Other or unspecified")


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("0–17")
    AGE_18_25 = "18-25", _("18–25")
    AGE_26_35 = "26-35", _("26–35")
    AGE_36_45 = "36-45", _("36–45")
    AGE_46_60 = "46-60", _("46–60")
    OVER_60 = "60+", _("over 60")

"""The glossary of security-feature terms (in the spirit of PRADO's)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from .vocabularies import FeatureCategory, LightSource


class GlossaryTerm(index.Indexed, models.Model):
    """A security-feature term every specimen feature is tied to, e.g. "Guilloche".

    The glossary is shared reference vocabulary, not restricted content: every reader may
    open a term's page; the specimens listed on it are only those the reader may see.
    """

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    term = models.CharField(_("term"), max_length=120, unique=True)
    category = models.CharField(_("category"), max_length=30, choices=FeatureCategory.choices)
    light_sources = models.JSONField(
        _("light sources"),
        default=list,
        blank=True,
        help_text=_('The lights under which the feature is examined, e.g. ["visible", "uv"].'),
    )
    definition = models.TextField(
        _("definition"), help_text=_("What the feature is, in plain words.")
    )
    how_to_check = models.TextField(
        _("how to check"),
        blank=True,
        help_text=_("What to look for at the desk, and with which light or tool."),
    )

    panels = [
        FieldPanel("term"),
        FieldPanel("slug"),
        FieldPanel("category"),
        FieldPanel("light_sources"),
        FieldPanel("definition"),
        FieldPanel("how_to_check"),
    ]

    search_fields = [
        index.SearchField("term"),
        index.SearchField("definition"),
        index.FilterField("category"),
    ]

    class Meta:
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("specimens:glossary-term", kwargs={"slug": self.slug})

    @property
    def light_source_labels(self) -> list[str]:
        labels = dict(LightSource.choices)
        return [str(labels.get(code, code)) for code in self.light_sources]

"""A content type search has never heard of: the test app's ``Notice``, registered with a
facet of its own (a competency level, as training courses will declare), the way a
content app registers in its ``AppConfig.ready()``. The ``notice_type`` fixture
(conftest) registers it for one test."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.access.distribution import Distribution, distribution_apply
from search.facets import Facet
from search.indexing import entry_update
from search.registry import SearchDocument, SearchType
from tests.shareable_app.models import Notice

LEVELS = {"first": "first_line", "second": "second_line", "expert": "expert"}
LEVEL_LABELS = {"first_line": "First line", "second_line": "Second line", "expert": "Expert"}

#: A facet no search module knows: declared here, as a training app will declare its own.
COMPETENCY_LEVEL = Facet(
    name="competency_level",
    label=_("Competency level"),
    values=lambda notice: [LEVELS.get(notice.title.split()[0].lower(), "")],
    labels=lambda values: {value: LEVEL_LABELS.get(value, value) for value in values},
)


def notice_document(notice) -> SearchDocument:
    return SearchDocument(
        title=notice.title, body="A notice of the test app.", url=notice.get_absolute_url()
    )


NOTICE_TYPE = SearchType(
    slug="notice",
    label="Notices",
    model=Notice,
    document=notice_document,
    facets=(COMPETENCY_LEVEL,),
)


def notice(title, *, owner="THA", level=None, released=True) -> Notice:
    item = Notice.objects.create(title=title, owner_country_id=owner, released=released)
    distribution_apply(
        item=item, distribution=Distribution.from_data(level or {"level": "members"})
    )
    entry_update(item)
    return item

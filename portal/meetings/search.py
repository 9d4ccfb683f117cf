"""Meetings in search (``search.registry``).

A meeting is found by its title, network, place and agenda titles; the decisions of its
minutes are searchable only once the minutes are *final* (read by everyone who sees the
meeting). Draft minutes are never written into an entry: an entry's text is shown to
every reader the meeting's keys allow, and a draft is its editors' alone. Finalizing or
reopening the minutes writes a ``MinutesEvent``, which rewrites the entry.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from search.facets import Facet, Mark, choices_labels
from search.registry import SearchDocument, SearchType, document_text, search_type_register

from .ical import meeting_path
from .models import MeetingStatus, MinutesStatus, OutcomeKind


def _network_labels(values: list[str]) -> dict[str, str]:
    from portal.access.models import Network

    return dict(Network.objects.filter(slug__in=values).values_list("slug", "name"))


#: The network a meeting is of (by slug).
NETWORK = Facet(
    name="network",
    label=_("Network"),
    values=lambda meeting: [meeting.network.slug],
    labels=_network_labels,
)


def meeting_decisions(meeting) -> list[str]:
    """The decisions of the meeting's minutes when final; nothing otherwise (drafts are
    the editors' only)."""
    if meeting.minutes_status != MinutesStatus.FINAL:
        return []
    items = sorted(meeting.agenda_items.all(), key=lambda i: (i.sort_order or 0, i.pk or 0))
    return [
        outcome.text
        for item in items
        for outcome in sorted(item.outcomes.all(), key=lambda o: (o.sort_order or 0, o.pk or 0))
        if outcome.kind == OutcomeKind.DECISION
    ]


def meeting_document(meeting) -> SearchDocument:
    items = sorted(meeting.agenda_items.all(), key=lambda i: (i.sort_order or 0, i.pk or 0))
    marks = {"cancelled": MeetingStatus.CANCELLED} if meeting.cancelled else {}
    return SearchDocument(
        title=meeting.title,
        body=document_text(
            meeting.network.name,
            meeting.location,
            *(item.title for item in items),
            *meeting_decisions(meeting),
        ),
        url=meeting_path(meeting),
        marks=marks,
    )


def register() -> None:
    from .models import AgendaItem, Meeting, MinutesEvent, Outcome

    search_type_register(
        SearchType(
            slug="meeting",
            label=_("Meetings"),
            singular=_("Meeting"),
            model=Meeting,
            document=meeting_document,
            facets=(NETWORK,),
            marks=(Mark("cancelled", labels=choices_labels(MeetingStatus)),),
            browse_url="meetings:list",
            dependents=(
                (AgendaItem, lambda item: item.meeting),
                (Outcome, lambda outcome: outcome.agenda_item.meeting),
                (MinutesEvent, lambda event: event.meeting),
            ),
        )
    )

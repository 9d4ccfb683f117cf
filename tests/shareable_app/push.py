"""The test notices' registration with the push service: a registration and nothing else
(no consumer, no route of their own in portal/routing.py), to prove that is enough.

Deliveries are recorded in memory (``DELIVERIES``): the test type has no receipts table.
"""

from __future__ import annotations

from portal.access import rule
from portal.push.registry import PushType, push_type_register

#: Every ``delivered(deliveries=...)`` call, in order: ``{notice id: {user ids}}``.
DELIVERIES: list[dict[int, set[int]]] = []


def notice_message(notice) -> dict:
    return {"id": notice.pk, "title": notice.title, "url": notice.get_absolute_url()}


def notices_backlog(*, user) -> list:
    from .models import Notice

    visible = rule.visible_to(user=user, queryset=Notice.objects.filter(released=True))
    return list(visible.order_by("-pk")[:50])


def deliveries_record(*, deliveries: dict[int, set[int]]) -> None:
    DELIVERIES.append({pk: set(users) for pk, users in deliveries.items()})


def register() -> None:
    from .models import Notice

    push_type_register(
        PushType(
            name="notice",
            model=Notice,
            message=notice_message,
            backlog=notices_backlog,
            delivered=deliveries_record,
            route="ws/test-notices/",
        )
    )

"""The request reaches code that has no request argument — under ASGI too.

The usage counts of Wagtail's admin are filtered by the requesting user through a context
variable (``request_context``). Under daphne, Django runs synchronous middleware and views
in worker threads; this test goes through the real ASGI application, as ``make demo`` and
production do, and checks that the filter still sees who asks.
"""

from __future__ import annotations

import re

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator
from django.db import connections

from portal.asgi import application
from portal.demo.network import demo_network_load
from portal.specimens.models import Specimen

pytestmark = pytest.mark.django_db(transaction=True)


def _world():
    from wagtail.models import ReferenceIndex

    from portal.access.distribution import Distribution, distribution_apply

    demo_network_load()
    target = Specimen.objects.create(
        title="PHL genuine", owner_country_id="PHL", issuing_country_id="PHL",
        document_type="passport", distribution_level="members",
    )  # fmt: skip
    forgery = Specimen.objects.create(
        title="THA-only forgery", owner_country_id="THA", issuing_country_id="THA",
        document_type="passport", kind="forged", fraud_type="counterfeit",
        genuine_reference=target,
    )  # fmt: skip
    distribution_apply(item=forgery, distribution=Distribution.from_data({"level": "country"}))
    ReferenceIndex.create_or_update_for_object(forgery)
    return target


def _session_cookie(username: str) -> bytes:
    from django.test import Client

    from portal.access.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def _get(path: str, cookie: bytes) -> str:
    communicator = HttpCommunicator(
        application, "GET", path, headers=[(b"cookie", cookie), (b"host", b"127.0.0.1")]
    )
    response = await communicator.get_response(timeout=20)
    await communicator.wait(timeout=20)  # the request finished: its connection closed
    assert response["status"] == 200, response["status"]
    return response["body"].decode()


async def test_usage_counts_know_the_user_under_asgi():
    target = await sync_to_async(_world)()
    edit = f"/admin/snippets/specimens/specimen/edit/{target.pk}/"
    for username, count in (("chair.andex", 0), ("admin", 1)):
        html = await _get(edit, await sync_to_async(_session_cookie)(username))
        assert re.search(rf"Used {count} times?", html), username
        assert ("THA-only forgery" in html) is False  # the side panel names no referrer
    # The views ran in asgiref's worker thread: close its connection before the teardown.
    await sync_to_async(connections.close_all)()

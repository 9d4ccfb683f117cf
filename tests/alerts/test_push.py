"""The WebSocket channel of the access matrix: push and backlog, over the Redis layer
(and a socket whose token was revoked, which receives nothing).

Every distribution level × every signed-in user of the matrix: the user connects to
``/ws/alerts/``, an expert of THA publishes, and the user receives the push (and finds the
alert in a later backlog) exactly when the hand-written table says they may see it.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from portal.alerts import services
from portal.asgi import application
from portal.push.testing import HANDSHAKE_SECONDS
from tests.access.matrix import LEVELS, USERS, expected

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

SIGNED_IN = [name for name in USERS if name != "anonymous"]
PUSH_LEVELS = [level for level in LEVELS if level not in {"public", "draft-members"}]


def test_the_suite_uses_the_redis_channel_layer():
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"].startswith("channels_redis")


async def _socket(user, *, revoked_after_connect=False):
    from portal.accounts.services import api_token_issue

    row, token = await sync_to_async(api_token_issue)(user=user, name="ws")
    communicator = WebsocketCommunicator(
        application,
        "/ws/alerts/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"authorization", f"Bearer {token}".encode())],
    )
    connected, _ = await communicator.connect(timeout=HANDSHAKE_SECONDS)
    assert connected
    if revoked_after_connect:
        await communicator.receive_json_from(timeout=5)  # the backlog
        await sync_to_async(row.revoke)()
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4001}
    return communicator


async def _drain(communicator, wait=0.8) -> list[dict]:
    """Every message that arrived within ``wait`` seconds (fan-out is asynchronous)."""
    await asyncio.sleep(wait)
    messages = []
    while not communicator.output_queue.empty():
        messages.append(await communicator.receive_json_from())
    return messages


@pytest.mark.parametrize("level", PUSH_LEVELS)
async def test_push_and_backlog_follow_the_rule(level, users):
    from guardian.shortcuts import assign_perm

    sockets = {}
    revoked = {}  # the matrix's "socket after revocation" channel: nothing, ever
    for name in SIGNED_IN:
        sockets[name] = await _socket(users[name])
        backlog = await sockets[name].receive_json_from(timeout=5)
        assert backlog == {"type": "alert.backlog", "alerts": []}
        revoked[name] = await _socket(users[name], revoked_after_connect=True)
    distribution, _ = LEVELS[level]
    alert = await sync_to_async(services.alert_create)(
        author=users["expert.tha"],
        distribution=distribution,
        title=f"Alert {level}",
        summary="Counterfeit visa foils without UV fibres.",
        severity="high",
        tlp="amber",
    )
    wrong = []
    await asyncio.sleep(0.8)  # the fan-out reaches every socket at once: wait once for all
    for name, communicator in sockets.items():
        received = await _drain(communicator, wait=0)
        pushed = [m["alert"]["id"] for m in received if m["type"] == "alert.published"]
        assert len(pushed) == len(set(pushed)), f"{name} got the push twice"
        # analyst.nld (NLD, rnde-europe) gets the guardian grant only after publication:
        # before it, only levels reaching NLD itself push to them.
        should = (
            level in {"members", "networks-rnde"}
            if name == "analyst.nld"
            else expected(level, name)
        )
        if (alert.pk in pushed) is not should:
            wrong.append(f"push {name}: {'sent' if alert.pk in pushed else 'missing'}")
        await communicator.disconnect()
        if await _drain(revoked[name], wait=0):
            wrong.append(f"push {name}: sent to a socket whose token was revoked")
    await sync_to_async(assign_perm)("view_alertbulletin", users["analyst.nld"], alert)
    for name in SIGNED_IN:
        communicator = await _socket(users[name])
        backlog = await communicator.receive_json_from(timeout=5)
        ids = [a["id"] for a in backlog["alerts"]]
        if (alert.pk in ids) is not expected(level, name):
            wrong.append(f"backlog {name}: {'listed' if alert.pk in ids else 'missing'}")
        await communicator.disconnect()
    assert not wrong, wrong


async def test_message_shapes_and_acknowledge_empties_the_backlog(users):
    officer = await _socket(users["officer.vnm"])
    assert (await officer.receive_json_from(timeout=5))["type"] == "alert.backlog"
    alert = await sync_to_async(services.alert_create)(
        author=users["expert.tha"],
        distribution={"level": "networks", "networks": ["andex"]},
        title="Counterfeit THA visa foils",
        summary="Missing UV fibres.",
        severity="critical",
        tlp="red",
    )
    message = await officer.receive_json_from(timeout=5)
    assert message["type"] == "alert.published"
    contract = {"id", "title", "severity", "tlp", "url", "published_at"}
    toast = {"kind", "issuing_country", "document_type", "fraud_type"}
    assert set(message["alert"]) == contract | toast
    assert message["alert"]["kind"] == "fraud_alert"
    assert message["alert"]["url"] == f"/alerts/{alert.pk}/"
    assert message["alert"]["tlp"] == "red"
    await officer.disconnect()
    later = await _socket(users["officer.vnm"])
    assert [a["id"] for a in (await later.receive_json_from(timeout=5))["alerts"]] == [alert.pk]
    await later.disconnect()
    await sync_to_async(services.alert_acknowledge)(alert=alert, user=users["officer.vnm"])
    again = await _socket(users["officer.vnm"])
    assert (await again.receive_json_from(timeout=5))["alerts"] == []
    await again.disconnect()


async def test_widening_pushes_to_the_newly_permitted_only(users):
    tha = await _socket(users["officer.tha"])
    vnm = await _socket(users["officer.vnm"])
    for socket in (tha, vnm):
        await socket.receive_json_from(timeout=5)
    alert = await sync_to_async(services.alert_create)(
        author=users["expert.tha"], distribution={"level": "country"},
        title="THA only at first", summary="s", severity="low", tlp="green",
    )  # fmt: skip
    assert [m["type"] for m in await _drain(tha)] == ["alert.published"]
    assert await _drain(vnm, wait=0) == []  # the same fan-out: already waited for
    await sync_to_async(services.alert_update)(
        alert=alert, editor=users["expert.tha"], fields={},
        distribution={"level": "countries", "countries": ["VNM"]},
    )  # fmt: skip
    assert [m["alert"]["id"] for m in await _drain(vnm)] == [alert.pk]
    assert await _drain(tha, wait=0) == []  # THA could already see it
    for socket in (tha, vnm):
        await socket.disconnect()


async def test_anonymous_handshake_is_refused(demo_network):
    communicator = WebsocketCommunicator(
        application, "/ws/alerts/", headers=[(b"origin", b"http://127.0.0.1")]
    )
    connected, _ = await communicator.connect(timeout=HANDSHAKE_SECONDS)
    assert not connected
    await communicator.disconnect()


async def test_socket_closes_on_sign_out_and_deactivation(users, client):
    await sync_to_async(client.force_login)(users["officer.tha"])
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(
        application, "/ws/alerts/", headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect(timeout=HANDSHAKE_SECONDS)
    assert connected
    await communicator.receive_json_from(timeout=5)
    await sync_to_async(client.post)("/accounts/logout/")
    output = await communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 4001}

    officer = await _socket(users["officer.vnm"])
    await officer.receive_json_from(timeout=5)
    user = users["officer.vnm"]
    user.is_active = False
    await sync_to_async(user.save)()
    output = await officer.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 4001}


async def test_an_idle_socket_survives_the_redis_read_timeout(users):
    """redis-py 8's default 5 s read timeout used to kill idle consumers (channels_redis#422)."""
    officer = await _socket(users["officer.tha"])
    await officer.receive_json_from(timeout=5)
    await asyncio.sleep(7)  # longer than channels-redis' 5 s blocking pop
    assert not officer.future.done(), "the consumer died while idle"
    await sync_to_async(services.alert_create)(
        author=users["expert.tha"], distribution={"level": "country"},
        title="After a quiet spell", summary="s", severity="info", tlp="clear",
    )  # fmt: skip
    assert [m["type"] for m in await _drain(officer)] == ["alert.published"]
    await officer.disconnect()


async def test_an_alert_in_review_is_pushed_only_when_approved(users):
    from portal.access.models import Role, User
    from portal.access.services import user_roles_set
    from portal.alerts.models import CountryAlertPolicy

    def second_expert():
        CountryAlertPolicy.objects.create(country_id="THA", requires_review=True)
        user = User.objects.create_user("expert2.tha", password="pw", country_id="THA")
        user_roles_set(user=user, roles=[Role.EXPERT])
        return user

    reviewer = await sync_to_async(second_expert)()
    officer = await _socket(users["officer.vnm"])
    await officer.receive_json_from(timeout=5)
    alert = await sync_to_async(services.alert_create)(
        author=users["expert.tha"], distribution={"level": "networks", "networks": ["andex"]},
        title="Awaiting review", summary="s", severity="high", tlp="amber",
    )  # fmt: skip
    assert await _drain(officer) == []
    later = await _socket(users["officer.vnm"])
    assert (await later.receive_json_from(timeout=5))["alerts"] == []  # not in a backlog either
    await later.disconnect()
    await sync_to_async(services.alert_approve)(alert=alert, reviewer=reviewer)
    assert [m["alert"]["id"] for m in await _drain(officer)] == [alert.pk]
    await officer.disconnect()


async def test_a_guardian_grant_pushes_to_the_grantee_only(users):
    from guardian.shortcuts import assign_perm

    analyst = await _socket(users["analyst.nld"])
    tha = await _socket(users["officer.tha"])
    for socket in (analyst, tha):
        await socket.receive_json_from(timeout=5)
    alert = await sync_to_async(services.alert_create)(
        author=users["expert.tha"], distribution={"level": "country"},
        title="Named reader", summary="s", severity="medium", tlp="amber+strict",
    )  # fmt: skip
    assert await _drain(analyst) == []
    assert len(await _drain(tha, wait=0)) == 1
    await sync_to_async(assign_perm)("view_alertbulletin", users["analyst.nld"], alert)
    assert [m["alert"]["id"] for m in await _drain(analyst)] == [alert.pk]
    assert await _drain(tha, wait=0) == []
    for socket in (analyst, tha):
        await socket.disconnect()


async def test_a_socket_open_longer_than_the_group_expiry_keeps_its_pushes(users, settings):
    """channels-redis forgets group members after ``group_expiry``; the consumer joins its
    groups again, so a screen left open for days is not silently cut off."""
    import redis

    from portal.push import groups

    settings.PUSH_GROUP_REJOIN_SECONDS = 3
    layer_config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    store = redis.Redis.from_url(layer_config["hosts"][0]["address"])
    key = f"{layer_config['prefix']}:group:{groups.country_group('VNM')}"
    officer = await _socket(users["officer.vnm"])
    await officer.receive_json_from(timeout=5)

    def publish(title):
        return services.alert_create(
            author=users["expert.tha"], distribution={"level": "networks", "networks": ["andex"]},
            title=title, summary="s", severity="high", tlp="green",
        )  # fmt: skip

    # Age the membership beyond the expiry, as after a day: the layer drops it ...
    members = store.zrange(key, 0, -1)
    assert members
    store.zadd(key, dict.fromkeys(members, 0))
    await sync_to_async(publish)("Lost to the expiry")
    assert await _drain(officer) == []
    # ... until the consumer joins again.
    await asyncio.sleep(3)
    assert all(score > 0 for _, score in store.zrange(key, 0, -1, withscores=True))
    alert = await sync_to_async(publish)("After rejoining")
    assert [m["alert"]["id"] for m in await _drain(officer)] == [alert.pk]
    await officer.disconnect()


def test_one_admission_checks_any_number_of_sockets_in_a_fixed_number_of_queries(
    users, django_assert_num_queries
):
    """The consumers of a process woken by one event are checked together: the number of
    queries does not grow with the number of sockets, nor does recording the deliveries."""
    from portal.access import rule
    from portal.access.models import Role, User
    from portal.access.services import user_roles_set
    from portal.alerts.models import Receipt
    from portal.push.hub import _admitted, deliveries_record

    crowd = []
    for n in range(40):
        officer = User.objects.create_user(f"officer{n}.vnm", password="pw", country_id="VNM")
        user_roles_set(user=officer, roles=[Role.OFFICER])
        crowd.append(officer.pk)
    alert = services.alert_create(
        author=users["expert.tha"], distribution={"level": "networks", "networks": ["andex"]},
        title="Crowd", summary="s", severity="high", tlp="green",
    )  # fmt: skip
    Receipt.objects.all().delete()
    keys = sorted(rule.item_keys(alert))
    item = (ContentType.objects.get_for_model(alert).pk, alert.pk)
    everyone = [*crowd, users["officer.fin"].pk]
    held_keys = rule.UsersKeysCache()
    # The item's keys now, the keys epoch, and the keys of 41 users (three queries).
    with django_assert_num_queries(5):
        admitted = _admitted(
            keys=keys, previous=[], user_ids=everyone, item=item, held_keys=held_keys
        )
    assert admitted == set(crowd)
    # The next event: the users are known while the epoch stands still.
    with django_assert_num_queries(2):
        again = _admitted(keys=keys, previous=[], user_ids=everyone, item=item, held_keys=held_keys)
    assert again == set(crowd)
    # Narrowed after the event was sent: the event's keys no longer admit anyone new.
    alert.distribution_level = "country"
    alert.save(update_fields=["distribution_level"])
    rule.sync_item_keys(alert)
    assert (
        _admitted(keys=keys, previous=[], user_ids=everyone, item=item, held_keys=held_keys)
        == set()
    )
    # Their countries (1), receipts inserted in a transaction (3) and completed (1).
    with django_assert_num_queries(5):
        deliveries_record({"alert": {alert.pk: admitted}})
    assert set(Receipt.objects.filter(alert=alert).values_list("user_id", flat=True)) == set(crowd)
    assert Receipt.objects.filter(alert=alert, delivered_at__isnull=True).count() == 0


async def test_the_hub_keeps_a_group_while_one_local_socket_needs_it(users, settings):
    """A process is one member of each group, whatever its number of sockets: closing one
    of two sockets of a group keeps the other's pushes; closing the last leaves the group."""
    import redis

    from portal.push import groups

    layer_config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    store = redis.Redis.from_url(layer_config["hosts"][0]["address"])
    key = f"{layer_config['prefix']}:group:{groups.country_group('VNM')}"
    # Hubs of earlier tests' event loops in this process (closed without leaving: in
    # production a dead process's membership expires) are not this test's business.
    store.delete(key)
    first, second = await _socket(users["officer.vnm"]), await _socket(users["officer.vnm"])
    for socket in (first, second):
        await socket.receive_json_from(timeout=5)
    assert store.zcard(key) == 1  # the hub, not one member per socket
    await first.disconnect()
    alert = await sync_to_async(services.alert_create)(
        author=users["expert.tha"], distribution={"level": "networks", "networks": ["andex"]},
        title="Still here", summary="s", severity="high", tlp="green",
    )  # fmt: skip
    assert [m["alert"]["id"] for m in await _drain(second)] == [alert.pk]
    await second.disconnect()
    assert store.zcard(key) == 0

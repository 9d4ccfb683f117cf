"""Publish → delivery of an alert to 1,000 WebSocket clients over the Redis channel layer.

The portal: one Daphne process serving ``portal.asgi`` (sessions, the access rule, the
``/ws/alerts/`` consumer, channels-redis on this machine's Redis), N officers of THA and
VNM signed in with real sessions, plus officers of FIN who must receive nothing. An
expert of THA publishes an alert to the andex network through ``services.alert_create``
(database write, visibility keys, fan-out after commit); the clock starts before that
call and stops when each client's socket hands over the pushed message.

The baseline: a bare ``websockets`` server on the same machine in the same run, which
broadcasts a message of the same size to every connected client when told to over a
control socket (the clock starts before that message is sent). Same client process,
same client code, same N.

Each is run at 250, 500 and 1,000 clients, each size on a fresh server process, whose
resident memory is read before and after the clients connect (memory per idle connection).
Reported: p50/p95 of every delivery, the last delivery of each publish, lost deliveries
(must be 0) and deliveries to officers who may not see the alert (must be 0).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import resource
import time
from pathlib import Path

from .harness import benchmark_database, setup_django, summary

SIZES = tuple(int(n) for n in os.environ.get("BENCH_PUSH_SIZES", "250,500,1000").split(","))
PUBLISHES = 30
WARMUP = 2
OUTSIDERS = 20  # officers of FIN: the andex alerts must never reach them
CONNECT_CONCURRENCY = 50
DELIVERY_TIMEOUT = 15.0
ORIGIN = "http://127.0.0.1"


# --- the clients (a separate process, same code for both servers) ----------------------


def _clients_main(conn) -> None:
    asyncio.run(_clients(conn))


async def _open(url: str, headers: dict, is_outsider: bool, limit: asyncio.Semaphore):
    """One client's socket, once its feed is live (the backlog has arrived)."""
    from websockets.asyncio.client import connect

    async with limit:
        socket = await connect(
            url,
            additional_headers=headers,
            origin=ORIGIN,
            ping_interval=None,
            open_timeout=120,
            max_size=None,
        )
        first = json.loads(await socket.recv())
        if first["type"] != "alert.backlog":
            raise RuntimeError(f"expected the backlog first, got {first['type']}")
        return socket, is_outsider


async def _clients(conn) -> None:
    loop = asyncio.get_running_loop()
    sockets: list = []
    outsider: list[bool] = []
    arrivals: dict[int, dict[int, float]] = {}  # marker -> client index -> monotonic time
    readers: list[asyncio.Task] = []

    async def read(index: int, socket) -> None:
        try:
            async for raw in socket:
                received = time.monotonic()
                message = json.loads(raw)
                if message.get("type") == "alert.published":
                    arrivals.setdefault(message["alert"]["id"], {})[index] = received
        except Exception:  # closed by the server at the end
            return

    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command["cmd"] == "connect":
            limit = asyncio.Semaphore(CONNECT_CONCURRENCY)
            opened = await asyncio.gather(
                *(_open(command["url"], h, o, limit) for h, o in command["clients"]),
                return_exceptions=True,
            )
            failures = [repr(o) for o in opened if isinstance(o, BaseException)]
            for item in opened:
                if not isinstance(item, BaseException):
                    sockets.append(item[0])
                    outsider.append(item[1])
                    readers.append(asyncio.ensure_future(read(len(sockets) - 1, item[0])))
            conn.send({"connected": len(sockets), "failures": failures[:3]})
        elif command["cmd"] == "expect":
            marker, start = command["marker"], command["t0"]
            wanted = {i for i, o in enumerate(outsider) if not o}
            deadline = time.monotonic() + DELIVERY_TIMEOUT
            while time.monotonic() < deadline:
                if wanted <= set(arrivals.get(marker, {})):
                    break
                await asyncio.sleep(0.005)
            await asyncio.sleep(0.05)  # a late, wrong delivery to an outsider would show here
            got = arrivals.pop(marker, {})
            conn.send(
                {
                    "latencies": [got[i] - start for i in sorted(wanted & set(got))],
                    "lost": len(wanted - set(got)),
                    "wrong": len([i for i in got if outsider[i]]),
                }
            )
        elif command["cmd"] == "close":
            for socket in sockets:
                await socket.close()
            for task in readers:
                task.cancel()
            sockets.clear()
            outsider.clear()
            readers.clear()
            conn.send({"closed": True})
        elif command["cmd"] == "stop":
            return


# --- the baseline server (a separate process) ------------------------------------------


def _baseline_main(conn) -> None:
    asyncio.run(_baseline(conn))


async def _baseline(conn) -> None:
    from websockets.asyncio.server import broadcast, serve

    clients: set = set()

    async def handler(socket) -> None:
        if socket.request.path == "/publish":
            async for message in socket:
                broadcast(clients, message)
                await socket.send("sent")
            return
        clients.add(socket)
        try:
            await socket.send(json.dumps({"type": "alert.backlog", "alerts": []}))
            await socket.wait_closed()
        finally:
            clients.discard(socket)

    async with serve(handler, "127.0.0.1", 0, ping_interval=None, max_size=None) as server:
        conn.send(server.sockets[0].getsockname()[1])
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told to stop


# --- measuring -------------------------------------------------------------------------


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def _raise_open_files_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(SIZES) * 2 + OUTSIDERS * 2 + 512
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(wanted, soft)), hard))


# --- the run ---------------------------------------------------------------------------


def _populate() -> dict:
    """andex officers (THA and VNM) and FIN outsiders, each with a signed-in session."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from portal.access.models import ROLE_GROUP_NAMES, Role, User
    from portal.demo.network import demo_network_load

    demo_network_load()
    unusable = make_password(None)  # signed in below without a password
    countries = ["THA", "VNM"] * (max(SIZES) // 2) + ["FIN"] * OUTSIDERS
    officers = User.objects.bulk_create(
        [
            User(username=f"bench{n}.{code.lower()}", country_id=code, password=unusable)
            for n, code in enumerate(countries)
        ]
    )
    group = ROLE_GROUP_NAMES[Role.OFFICER]
    through = User.groups.through
    group_id = User.groups.field.related_model.objects.get(name=group).pk
    through.objects.bulk_create([through(user_id=u.pk, group_id=group_id) for u in officers])
    client = Client()
    cookies = {}
    for user in officers:
        client.force_login(user)
        cookies[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        client.cookies.clear()
    return cookies


def _portal_round(size: int, cookies: dict, clients_conn) -> dict:
    from daphne.testing import DaphneProcess
    from django.db import connections

    from portal.access.models import User
    from portal.alerts import services
    from portal.core.testing import forked_asgi_application

    connections.close_all()
    if hasattr(connections["default"], "close_pool"):
        connections["default"].close_pool()  # its threads would not follow into the fork
    server = DaphneProcess("127.0.0.1", forked_asgi_application)
    server.start()
    if not server.ready.wait(timeout=60):
        raise RuntimeError("Daphne did not start")
    url = f"ws://127.0.0.1:{server.port.value}/ws/alerts/"
    print(f"     server process {server.pid}", flush=True)
    try:
        andex = [name for name in cookies if not name.endswith(".fin")][:size]
        fin = [name for name in cookies if name.endswith(".fin")]
        # One client first, so lazily loaded code is in memory before it is measured.
        warm = [({"Cookie": f"sessionid={cookies[andex[0]]}"}, False)]
        clients_conn.send({"cmd": "connect", "url": url, "clients": warm})
        clients_conn.recv()
        clients_conn.send({"cmd": "close"})
        clients_conn.recv()
        time.sleep(0.5)
        before = _rss_kib(server.pid)
        clients = [({"Cookie": f"sessionid={cookies[n]}"}, False) for n in andex] + [
            ({"Cookie": f"sessionid={cookies[n]}"}, True) for n in fin
        ]
        started = time.monotonic()
        clients_conn.send({"cmd": "connect", "url": url, "clients": clients})
        connected = clients_conn.recv()
        connect_seconds = time.monotonic() - started
        if connected["failures"]:
            raise RuntimeError(f"clients failed to connect: {connected['failures']}")
        time.sleep(1.0)
        after = _rss_kib(server.pid)
        print(f"     {connected['connected']} sockets, {connect_seconds:.1f} s", flush=True)

        expert = User.objects.get(username="expert.tha")
        rounds = []
        for index in range(WARMUP + PUBLISHES):
            t0 = time.monotonic()
            alert = services.alert_create(
                author=expert,
                distribution={"level": "networks", "networks": ["andex"]},
                title=f"Counterfeit visa foils without UV fibres ({size}/{index})",
                summary="Foils seized at the airport show no fibres under UV 365 nm.",
                severity="critical",
                tlp="amber",
                issuing_country="THA",
                document_type="visa",
            )
            call = time.monotonic() - t0
            clients_conn.send({"cmd": "expect", "marker": alert.pk, "t0": t0})
            outcome = clients_conn.recv()
            if index >= WARMUP:
                rounds.append({**outcome, "call": call})
            time.sleep(0.2)
        clients_conn.send({"cmd": "close"})
        clients_conn.recv()
    finally:
        server.terminate()
        server.join(timeout=10)
    return _round_result(size, rounds, before, after, connected["connected"], connect_seconds)


def _baseline_round(size: int, clients_conn, payload_size: int) -> dict:
    from websockets.sync.client import connect

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=_baseline_main, args=(child,), daemon=True)
    server.start()
    port = parent.recv()
    url = f"ws://127.0.0.1:{port}/"
    try:
        clients_conn.send({"cmd": "connect", "url": url, "clients": [({}, False)]})
        clients_conn.recv()
        clients_conn.send({"cmd": "close"})
        clients_conn.recv()
        time.sleep(0.5)
        before = _rss_kib(server.pid)
        started = time.monotonic()
        clients_conn.send({"cmd": "connect", "url": url, "clients": [({}, False)] * size})
        connected = clients_conn.recv()
        connect_seconds = time.monotonic() - started
        time.sleep(1.0)
        after = _rss_kib(server.pid)
        rounds = []
        with connect(f"ws://127.0.0.1:{port}/publish") as control:
            for index in range(WARMUP + PUBLISHES):
                marker = 10_000_000 + index
                message = {
                    "type": "alert.published",
                    "alert": {"id": marker, "title": "", "severity": "critical", "tlp": "amber"},
                }
                filler = payload_size - len(json.dumps(message))
                message["alert"]["title"] = "x" * max(filler, 0)
                t0 = time.monotonic()
                control.send(json.dumps(message))
                control.recv()
                clients_conn.send({"cmd": "expect", "marker": marker, "t0": t0})
                outcome = clients_conn.recv()
                if index >= WARMUP:
                    rounds.append(outcome)
                time.sleep(0.2)
        clients_conn.send({"cmd": "close"})
        clients_conn.recv()
    finally:
        parent.send("stop")
        server.join(timeout=10)
        if server.is_alive():
            server.terminate()
    return _round_result(size, rounds, before, after, connected["connected"], connect_seconds)


def _round_result(size, rounds, before, after, connected, connect_seconds) -> dict:
    samples = [latency for r in rounds for latency in r["latencies"]]
    return {
        "clients": size,
        "connected": connected,
        "connect_all_s": round(connect_seconds, 2),
        "deliveries": summary(samples) if samples else None,
        "last_delivery": summary([max(r["latencies"]) for r in rounds if r["latencies"]]),
        # The publishing call alone (database write, keys, fan-out to Redis, e-mail
        # subscriptions): the part of the portal's time a bare broadcast has no match for.
        "publish_call": summary([r["call"] for r in rounds]) if "call" in rounds[0] else None,
        "after_the_call": (
            summary([latency - r["call"] for r in rounds for latency in r["latencies"]])
            if "call" in rounds[0]
            else None
        ),
        "lost": sum(r["lost"] for r in rounds),
        "wrongly_delivered": sum(r["wrong"] for r in rounds),
        "memory_per_idle_connection_kib": round((after - before) / max(connected, 1), 1),
    }


def _sample_payload_size() -> int:
    """Length of a real ``alert.published`` message, for the baseline's messages."""
    from portal.alerts.models import AlertBulletin
    from portal.alerts.services import alert_message

    alert = AlertBulletin.objects.order_by("-pk").first()
    return len(json.dumps({"type": "alert.published", "alert": alert_message(alert)}))


def run() -> dict:
    setup_django()
    from django.conf import settings

    _raise_open_files_limit()
    base = settings.CHANNEL_LAYERS["default"]
    if not base["BACKEND"].startswith("channels_redis"):
        raise RuntimeError("This benchmark needs Redis (the test settings' TEST_REDIS_URL).")
    # The production layer's configuration (portal/settings/base.py), on this Redis.
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": base["CONFIG"]["hosts"],
                "capacity": settings.CHANNEL_CAPACITY,
                "expiry": 60,
                "group_expiry": 86400,
                "prefix": f"portal-bench-{os.getpid()}",
            },
        }
    }
    # Production's database connections: pooled on PostgreSQL (portal/settings/base.py).
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("OPTIONS", {})["pool"] = settings.POSTGRES_POOL
    context = multiprocessing.get_context("spawn")
    clients_conn, child = context.Pipe()
    clients = context.Process(target=_clients_main, args=(child,), daemon=True)
    clients.start()
    portal, baseline = {}, {}
    try:
        with benchmark_database():
            cookies = _populate()
            payload = 0
            for size in SIZES:  # each size's pair back to back: the machine's state is alike
                print(f"   portal, {size} clients ...", flush=True)
                portal[size] = _portal_round(size, cookies, clients_conn)
                print(f"     {portal[size]}", flush=True)
                payload = payload or _sample_payload_size()
                print(f"   baseline, {size} clients ...", flush=True)
                baseline[size] = _baseline_round(size, clients_conn, payload)
                print(f"     {baseline[size]}", flush=True)
    finally:
        clients_conn.send({"cmd": "stop"})
        clients.join(timeout=10)

    def p95(results, size):
        return results[size]["deliveries"]["p95_ms"]

    largest, smallest = max(SIZES), min(SIZES)
    return {
        "sizes": list(SIZES),
        "publishes_per_size": PUBLISHES,
        "outsiders": OUTSIDERS,
        "portal": {str(s): r for s, r in portal.items()},
        "baseline_websockets": {str(s): r for s, r in baseline.items()},
        "ratio_p95_portal_to_baseline": {
            str(s): round(p95(portal, s) / p95(baseline, s), 2) for s in SIZES
        },
        "growth_p95_smallest_to_largest": {
            "portal": round(p95(portal, largest) / p95(portal, smallest), 2),
            "baseline": round(p95(baseline, largest) / p95(baseline, smallest), 2),
            "linear_would_be": round(largest / smallest, 2),
        },
        "lost_total": sum(r["lost"] for r in portal.values()),
        "wrongly_delivered_total": sum(r["wrongly_delivered"] for r in portal.values()),
    }

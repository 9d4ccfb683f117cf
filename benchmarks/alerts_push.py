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
(must be 0), deliveries to officers who may not see the alert (must be 0) and second
copies to one socket (must be 0); the publishing call, and within it the push service's
call (``push.services.notify_now``: keys, groups, message, hand-off to the sender).

Then two Daphne processes sharing Redis hold 2,000 sockets of officers of THA, VNM, PHL
(andex), FIN and NLD (rnde-europe), and alerts of every distribution level are published
in turn: each socket must receive exactly the alerts its officer's country may see (the
expected countries are written from CONTRACT.md's levels and the demo networks' members,
not computed by the access rule), none twice (``BENCH_PUSH_TWO_PROCESSES=0`` skips it).
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
#: The run with two server processes sharing Redis and 2,000 sockets (0 to skip it).
TWO_PROCESSES = os.environ.get("BENCH_PUSH_TWO_PROCESSES", "1") != "0"
CONNECT_CONCURRENCY = 50
#: Background tasks as in production (``database``: search-index writes, reference-index
#: updates and e-mail are rows written in the publishing transaction, run later by the
#: worker, which this benchmark does not start) or run inline at commit (``immediate``,
#: the test settings' backend: the publishing call then also pays for the index writes).
TASKS_BACKEND = os.environ.get("BENCH_PUSH_TASKS", "database")
DELIVERY_TIMEOUT = 15.0
ORIGIN = "http://127.0.0.1"


# --- the clients (a separate process, same code for both servers) ----------------------


def _clients_main(conn) -> None:
    asyncio.run(_clients(conn))


async def _open(url: str, headers: dict, tag: str, limit: asyncio.Semaphore):
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
        return socket, tag


async def _clients(conn) -> None:
    """Holds the sockets; each is tagged with its officer's country. ``expect`` names the
    tags that must receive a marker: every socket of them must, exactly once, and no
    other socket may."""
    loop = asyncio.get_running_loop()
    sockets: list = []
    tags: list[str] = []
    arrivals: dict[int, dict[int, float]] = {}  # marker -> client index -> monotonic time
    copies: dict[int, int] = {}  # marker -> deliveries beyond the first to one socket
    readers: list[asyncio.Task] = []

    async def read(index: int, socket) -> None:
        try:
            async for raw in socket:
                received = time.monotonic()
                message = json.loads(raw)
                if message.get("type") == "alert.published":
                    marker = message["alert"]["id"]
                    got = arrivals.setdefault(marker, {})
                    if index in got:
                        copies[marker] = copies.get(marker, 0) + 1
                    else:
                        got[index] = received
        except Exception:  # closed by the server at the end
            return

    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command["cmd"] == "connect":
            limit = asyncio.Semaphore(command.get("concurrency", CONNECT_CONCURRENCY))
            opened = await asyncio.gather(
                *(_open(url, h, t, limit) for url, h, t in command["clients"]),
                return_exceptions=True,
            )
            failures = [repr(o) for o in opened if isinstance(o, BaseException)]
            for item in opened:
                if not isinstance(item, BaseException):
                    sockets.append(item[0])
                    tags.append(item[1])
                    readers.append(asyncio.ensure_future(read(len(sockets) - 1, item[0])))
            conn.send({"connected": len(sockets), "failures": failures[:3]})
        elif command["cmd"] == "expect":
            marker, start = command["marker"], command["t0"]
            wanted_tags = set(command["tags"])
            wanted = {i for i, tag in enumerate(tags) if tag in wanted_tags}
            deadline = time.monotonic() + DELIVERY_TIMEOUT
            while time.monotonic() < deadline:
                if wanted <= set(arrivals.get(marker, {})):
                    break
                await asyncio.sleep(0.005)
            await asyncio.sleep(0.05)  # a late, wrong delivery would show here
            got = arrivals.pop(marker, {})
            conn.send(
                {
                    "latencies": [got[i] - start for i in sorted(wanted & set(got))],
                    "lost": len(wanted - set(got)),
                    "wrong": len(set(got) - wanted),
                    "duplicates": copies.pop(marker, 0),
                }
            )
        elif command["cmd"] == "close":
            for socket in sockets:
                await socket.close()
            for task in readers:
                task.cancel()
            sockets.clear()
            tags.clear()
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


#: The two-process run's officers by country: andex (THA, VNM, PHL) and rnde-europe (FIN,
#: NLD), so that each distribution level reaches a different part of the 2,000 sockets.
TWO_PROCESS_MIX = {"THA": 500, "VNM": 500, "PHL": 300, "FIN": 400, "NLD": 300}
#: The two-process run publishes these in turn (distribution, as the API takes it).
TWO_PROCESS_LEVELS = [
    {"level": "country"},
    {"level": "countries", "countries": ["VNM"]},
    {"level": "networks", "networks": ["andex"]},
    {"level": "networks", "networks": ["rnde-europe"]},
    {"level": "members"},
]
TWO_PROCESS_PUBLISHES = 20


def _populate() -> dict:
    """Officers with a signed-in session each: THA and VNM (andex) for the one-process
    run, FIN outsiders, and the two-process run's mix. Returns ``{username: cookie}``."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from portal.access.models import ROLE_GROUP_NAMES, Role, User
    from portal.demo.network import demo_network_load

    demo_network_load()
    unusable = make_password(None)  # signed in below without a password
    wanted = {"THA": 0, "VNM": 0, "FIN": OUTSIDERS}
    for code in ("THA", "VNM"):
        wanted[code] = max(SIZES) // 2
    if TWO_PROCESSES:
        for code, count in TWO_PROCESS_MIX.items():
            wanted[code] = max(wanted.get(code, 0), count)
    countries = [code for code, count in wanted.items() for _ in range(count)]
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


def _country(username: str) -> str:
    return username.rsplit(".", 1)[1].upper()


def _server_start():
    from daphne.testing import DaphneProcess
    from django.db import connections

    from portal.core.testing import forked_asgi_application

    connections.close_all()
    if hasattr(connections["default"], "close_pool"):
        connections["default"].close_pool()  # its threads would not follow into the fork
    server = DaphneProcess("127.0.0.1", forked_asgi_application)
    server.start()
    if not server.ready.wait(timeout=60):
        raise RuntimeError("Daphne did not start")
    print(f"     server process {server.pid}", flush=True)
    return server, f"ws://127.0.0.1:{server.port.value}/ws/alerts/"


class _PushCallTimer:
    """Times the push service's call inside each publication (``notify_now``: the item's
    keys, its groups, the message, handing the sends to the background sender)."""

    def __init__(self) -> None:
        from portal.push import services

        self.samples: list[float] = []
        self.original = services.notify_now

        def timed(**kwargs):
            started = time.perf_counter()
            try:
                return self.original(**kwargs)
            finally:
                self.samples.append(time.perf_counter() - started)

        services.notify_now = timed

    def restore(self) -> None:
        from portal.push import services

        services.notify_now = self.original


def _publish(expert, distribution: dict, title: str):
    from portal.alerts import services

    return services.alert_create(
        author=expert,
        distribution=distribution,
        title=title,
        summary="Foils seized at the airport show no fibres under UV 365 nm.",
        severity="critical",
        tlp="amber",
        issuing_country="THA",
        document_type="visa",
    )


def _portal_round(size: int, cookies: dict, clients_conn) -> dict:
    from portal.access.models import User

    server, url = _server_start()
    timer = _PushCallTimer()
    try:
        andex = [n for n in cookies if _country(n) in {"THA", "VNM"}][:size]
        fin = [n for n in cookies if _country(n) == "FIN"][:OUTSIDERS]
        # One client first, so lazily loaded code is in memory before it is measured.
        warm = [(url, {"Cookie": f"sessionid={cookies[andex[0]]}"}, "THA")]
        clients_conn.send({"cmd": "connect", "clients": warm})
        clients_conn.recv()
        clients_conn.send({"cmd": "close"})
        clients_conn.recv()
        time.sleep(0.5)
        before = _rss_kib(server.pid)
        clients = [(url, {"Cookie": f"sessionid={cookies[n]}"}, _country(n)) for n in andex + fin]
        started = time.monotonic()
        clients_conn.send({"cmd": "connect", "clients": clients})
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
            alert = _publish(
                expert,
                {"level": "networks", "networks": ["andex"]},
                f"Counterfeit visa foils without UV fibres ({size}/{index})",
            )
            call = time.monotonic() - t0
            clients_conn.send(
                {"cmd": "expect", "marker": alert.pk, "t0": t0, "tags": ["THA", "VNM"]}
            )
            outcome = clients_conn.recv()
            if index >= WARMUP:
                rounds.append({**outcome, "call": call, "push_call": timer.samples[-1]})
            time.sleep(0.2)
        clients_conn.send({"cmd": "close"})
        clients_conn.recv()
    finally:
        timer.restore()
        server.terminate()
        server.join(timeout=10)
    return _round_result(size, rounds, before, after, connected["connected"], connect_seconds)


def _two_process_round(cookies: dict, clients_conn) -> dict:
    """2,000 sockets over two server processes sharing Redis, alerts of every level in
    turn: each socket must receive exactly the alerts its officer's country may see."""
    from portal.access.models import NetworkMembership, User

    members: dict[str, set[str]] = {}
    for slug, code in NetworkMembership.objects.values_list("network__slug", "country_id"):
        members.setdefault(slug, set()).add(code)

    def readers(distribution: dict) -> set[str]:
        # Written from CONTRACT.md's distribution levels, not from the access rule.
        level = distribution["level"]
        if level == "members":
            return set(TWO_PROCESS_MIX)
        if level == "countries":
            return {"THA", *distribution["countries"]}
        if level == "networks":
            return {"THA"}.union(*(members[slug] for slug in distribution["networks"]))
        return {"THA"}

    officers = []
    for code, count in TWO_PROCESS_MIX.items():
        officers += [n for n in cookies if _country(n) == code][:count]
    servers = [_server_start(), _server_start()]
    try:
        clients = [
            (servers[i % 2][1], {"Cookie": f"sessionid={cookies[n]}"}, _country(n))
            for i, n in enumerate(officers)
        ]
        started = time.monotonic()
        # Fewer handshakes at once than the one-process run: two servers share the
        # database for sessions, and daphne drops a handshake not done within 5 s.
        clients_conn.send({"cmd": "connect", "clients": clients, "concurrency": 20})
        connected = clients_conn.recv()
        connect_seconds = time.monotonic() - started
        if connected["failures"]:
            raise RuntimeError(f"clients failed to connect: {connected['failures']}")
        print(f"     {connected['connected']} sockets, {connect_seconds:.1f} s", flush=True)
        time.sleep(1.0)
        expert = User.objects.get(username="expert.tha")
        rounds = []
        for index in range(WARMUP + TWO_PROCESS_PUBLISHES):
            distribution = TWO_PROCESS_LEVELS[index % len(TWO_PROCESS_LEVELS)]
            t0 = time.monotonic()
            alert = _publish(expert, distribution, f"Two processes ({index})")
            call = time.monotonic() - t0
            tags = sorted(readers(distribution) & set(TWO_PROCESS_MIX))
            clients_conn.send({"cmd": "expect", "marker": alert.pk, "t0": t0, "tags": tags})
            outcome = clients_conn.recv()
            if index >= WARMUP:
                rounds.append({**outcome, "call": call, "level": distribution["level"]})
            time.sleep(0.2)
        clients_conn.send({"cmd": "close"})
        clients_conn.recv()
    finally:
        for server, _ in servers:
            server.terminate()
            server.join(timeout=10)
    samples = [latency for r in rounds for latency in r["latencies"]]
    return {
        "processes": 2,
        "clients": connected["connected"],
        "connect_all_s": round(connect_seconds, 2),
        "publishes": len(rounds),
        "deliveries_expected": sum(len(r["latencies"]) + r["lost"] for r in rounds),
        "deliveries": summary(samples),
        "publish_call": summary([r["call"] for r in rounds]),
        "lost": sum(r["lost"] for r in rounds),
        "wrongly_delivered": sum(r["wrong"] for r in rounds),
        "duplicates": sum(r["duplicates"] for r in rounds),
    }


def _baseline_round(size: int, clients_conn, payload_size: int) -> dict:
    from websockets.sync.client import connect

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=_baseline_main, args=(child,), daemon=True)
    server.start()
    port = parent.recv()
    url = f"ws://127.0.0.1:{port}/"
    try:
        clients_conn.send({"cmd": "connect", "clients": [(url, {}, "THA")]})
        clients_conn.recv()
        clients_conn.send({"cmd": "close"})
        clients_conn.recv()
        time.sleep(0.5)
        before = _rss_kib(server.pid)
        started = time.monotonic()
        clients_conn.send({"cmd": "connect", "clients": [(url, {}, "THA")] * size})
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
                clients_conn.send({"cmd": "expect", "marker": marker, "t0": t0, "tags": ["THA"]})
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
        # The push service's share of it (``notify_now``: keys, groups, message, hand-off).
        "push_call": (
            summary([r["push_call"] for r in rounds]) if "push_call" in rounds[0] else None
        ),
        "after_the_call": (
            summary([latency - r["call"] for r in rounds for latency in r["latencies"]])
            if "call" in rounds[0]
            else None
        ),
        "lost": sum(r["lost"] for r in rounds),
        "wrongly_delivered": sum(r["wrong"] for r in rounds),
        "duplicates": sum(r.get("duplicates", 0) for r in rounds),
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
    from django.test.utils import override_settings

    _raise_open_files_limit()
    base = settings.CHANNEL_LAYERS["default"]
    if not base["BACKEND"].startswith("channels_redis"):
        raise RuntimeError("This benchmark needs Redis (the test settings' TEST_REDIS_URL).")
    # The production layer's configuration (portal/settings/base.py), on this Redis.
    layers = {
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
    override_settings(CHANNEL_LAYERS=layers).enable()  # channels drops its cached layers
    # Production's database connections: pooled on PostgreSQL (portal/settings/base.py).
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("OPTIONS", {})["pool"] = settings.POSTGRES_POOL
    # Production's task backend (portal/settings/production.py insists on it), unless
    # BENCH_PUSH_TASKS=immediate asks for the tests' inline one.
    backends = {
        "database": "django_tasks_db.DatabaseBackend",
        "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    }
    # Through ``override_settings``: its signal makes django-tasks drop the backend it
    # built at start-up (a plain assignment left the benchmarks before 2026-11-26 on the
    # test settings' immediate backend, whatever this said).
    override_settings(TASKS={"default": {"BACKEND": backends[TASKS_BACKEND]}}).enable()
    from django_tasks import task_backends

    print(f"   task backend: {type(task_backends['default']).__name__}", flush=True)
    context = multiprocessing.get_context("spawn")
    clients_conn, child = context.Pipe()
    clients = context.Process(target=_clients_main, args=(child,), daemon=True)
    clients.start()
    portal, baseline, two = {}, {}, None
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
            if TWO_PROCESSES:
                print("   portal, two server processes, 2,000 clients ...", flush=True)
                two = _two_process_round(cookies, clients_conn)
                print(f"     {two}", flush=True)
    finally:
        clients_conn.send({"cmd": "stop"})
        clients.join(timeout=10)

    def p95(results, size):
        return results[size]["deliveries"]["p95_ms"]

    largest, smallest = max(SIZES), min(SIZES)
    return {
        "sizes": list(SIZES),
        "tasks_backend": TASKS_BACKEND,
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
        "two_processes": two,
    }

"""The home page, the sections still to come, and the health check."""

from __future__ import annotations

import asyncio
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

import search
from portal.access.models import Network
from portal.core import whats_new


@login_required
def home(request):
    """What's new for me: first what waits for the user (the desk), then the newest
    items shared with them, their country and networks."""
    user = request.user
    networks = (
        Network.objects.filter(countries=user.country_id).prefetch_related("countries")
        if user.country_id
        else Network.objects.none()
    )
    return render(
        request,
        "core/home.html",
        {
            "networks": networks,
            "desk": whats_new.desk_for(user=user),
            "panels": whats_new.panels_for(user=user),
        },
    )


SECTIONS = {
    "training": (
        _("Training"),
        _("Harmonized courses, modules and image quizzes of the network."),
    ),
    "meetings": (
        _("Meetings"),
        _("Agendas, minutes, decisions and action items of expert meetings."),
    ),
}


@login_required
def section(request, name: str):
    """A section whose content has not been shared yet: say so plainly."""
    title, description = SECTIONS[name]
    return render(
        request,
        "core/section.html",
        {"section": name, "title": title, "description": description},
    )


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip():
        channel = await layer.new_channel("healthz.")
        token = uuid.uuid4().hex
        await layer.send(channel, {"type": "healthz", "token": token})
        message = await asyncio.wait_for(layer.receive(channel), timeout=2)
        if message.get("token") != token:
            raise RuntimeError("channel layer returned another message")

    async_to_sync(round_trip)()


CHECKS = {
    "database": _check_database,
    "channel_layer": _check_channel_layer,
    "search": search.check,
}


@never_cache
def healthz(request):
    """``200`` with every check ``ok``, or ``503`` naming what failed (no details leak)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception:
            results[name] = "failing"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": results},
        status=200 if healthy else 503,
    )

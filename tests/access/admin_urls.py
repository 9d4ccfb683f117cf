"""The admin URL patterns of the running site, for the matrix's admin probes and the walk
of every admin pattern (test_admin_urls.py).

Patterns are read from the URL resolver, not listed by hand: a Wagtail upgrade or a new
content type that adds an admin view is probed (or fails the walk) without anyone having
to remember it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class AdminPattern:
    """One admin URL pattern: its full name (``namespace:name``), route and parameters."""

    name: str
    route: str
    params: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]

    @property
    def view_name(self) -> str:
        return self.name.rpartition(":")[2]


def _params(route: str) -> tuple[str, ...]:
    converters = re.findall(r"<(?:\w+:)?(\w+)>", route)
    groups = re.findall(r"\(\?P<(\w+)>", route)
    anonymous = re.findall(r"\((?!\?)", route)
    return tuple(converters + groups + [f"_{i}" for i, _ in enumerate(anonymous)])


def walk_patterns(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            yield from walk_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace + (pattern.name or "")


def admin_patterns() -> list[AdminPattern]:
    """Every URL pattern under ``/admin/`` the site resolves, in resolution order."""
    found = []
    for route, name in walk_patterns(get_resolver().url_patterns):
        if route.lstrip("^").startswith("admin/"):
            found.append(AdminPattern(name=name, route=route, params=_params(route)))
    return found


def snippet_namespace(model) -> str:
    return f"wagtailsnippets_{model._meta.app_label}_{model._meta.model_name}"


def object_view_params(item) -> dict[str, object]:
    """Values for the parameters, besides the id, of the object views of a lifecycle item
    (revisions, compare, workflow actions and history): ids of the item's *own* latest
    revision, task state and workflow state (the views must accept those, and the
    admin guard must refuse them for an item the user may not see)."""
    from wagtail.models import TaskState

    params: dict[str, object] = {"revision_id_a": "earliest", "revision_id_b": "latest"}
    if getattr(item, "latest_revision_id", None):
        params["revision_id"] = item.latest_revision_id
    workflow_states = getattr(item, "workflow_states", None)
    state = workflow_states.order_by("-pk").first() if workflow_states is not None else None
    if state is not None:
        params["workflow_state_id"] = state.pk
        task_state = TaskState.objects.filter(workflow_state=state).order_by("-pk").first()
        if task_state is not None:
            params["task_state_id"] = task_state.pk
            params["action_name"] = "approve"
    return params


def object_view_urls(model, pk, params: dict | None = None) -> dict[str, str]:
    """Every view of ``model``'s snippet viewset that takes an object's id: name → URL.

    A view taking more than the id (a revision, a workflow task) is called with
    ``params`` (``object_view_params``); one whose parameters are not all there raises,
    so the matrix fails until the probe is taught how to reach it.
    """
    namespace = snippet_namespace(model)
    params = params or {}
    urls = {}
    for pattern in admin_patterns():
        if pattern.namespace != namespace or not pattern.params:
            continue
        missing = [name for name in pattern.params if name != "pk" and name not in params]
        if "pk" not in pattern.params or missing:
            raise AssertionError(
                f"{pattern.name} ({pattern.route}) takes {pattern.params}: teach "
                "tests/access/admin_urls.object_view_urls how to call it"
            )
        kwargs = {name: params.get(name, pk) for name in pattern.params}
        urls[pattern.view_name] = reverse(pattern.name, kwargs={**kwargs, "pk": pk})
    assert urls, f"no object views found for {model.__name__}"
    return urls

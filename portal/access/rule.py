"""The access rule: who may see and edit each shared item. The one place that decides.

An item carries *visibility keys* (``public``, ``members``, ``country:THA``,
``network:andex``, ``experts:THA``, ``user:42``, ``group:7``), stored per action in
``VisibilityKey`` and recomputed whenever the item, its distribution or its guardian
grants change. A user holds keys computed at request time from their country, the
networks that country belongs to today, their roles, groups and id. An item is visible
when the two sets meet. The same sets filter querysets (here), search queries (a
``terms`` filter on a keyword field) and WebSocket fan-out.

Every view, API endpoint, search backend, consumer, file view, export and admin listing
asks this module; nothing else checks countries, networks or guardian grants.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.dispatch import Signal
from django.http import Http404

from portal.core import lookups  # noqa: F401  (registers ``__any``, used below)

from .models import DistributionLevel, NetworkMembership, Role, Shareable, VisibilityKey

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

#: Held by superusers only: every item is visible and editable.
ALL = "*"
PUBLIC = "public"
MEMBERS = "members"

#: Roles whose members work in the Wagtail admin (given to their groups as
#: ``wagtailadmin.access_admin`` by ``services.role_groups_ensure``).
ADMIN_ROLES = frozenset({Role.EXPERT, Role.TRAINER, Role.CHAIR})

VIEW = VisibilityKey.Action.VIEW
CHANGE = VisibilityKey.Action.CHANGE


def country_key(code: str) -> str:
    return f"country:{code}"


def network_key(slug: str) -> str:
    return f"network:{slug}"


def experts_key(code: str) -> str:
    return f"experts:{code}"


#: The key prefix of each role that may edit a country's items: ``experts:PHL`` is held by
#: the experts of PHL, ``trainers:PHL`` by its trainers. A shared type names the roles
#: that edit it (``editor_roles``; experts when it names none).
EDITOR_KEY_PREFIXES = {Role.EXPERT: "experts", Role.TRAINER: "trainers", Role.CHAIR: "chairs"}
DEFAULT_EDITOR_ROLES = (Role.EXPERT,)


def editor_roles(model: Any) -> tuple[str, ...]:
    """The roles whose holders of the owner country edit items of ``model``."""
    return tuple(getattr(model, "editor_roles", None) or DEFAULT_EDITOR_ROLES)


def editor_key(role: str, code: str) -> str:
    """The change key held by the holders of ``role`` in country ``code``."""
    return f"{EDITOR_KEY_PREFIXES[role]}:{code}"


def editor_keys(model: Any, code: str) -> set[str]:
    """The keys of the editors of an item of ``model`` owned by ``code``."""
    return {editor_key(role, code) for role in editor_roles(model)}


def user_key(user_id: int) -> str:
    return f"user:{user_id}"


def group_key(group_id: int) -> str:
    return f"group:{group_id}"


# --- the user's side -------------------------------------------------------------------


def _keys_held(
    *,
    user_id: int,
    is_superuser: bool,
    country: str | None,
    is_expert: bool,
    group_ids: Iterable[int],
    networks: Iterable[str],
    roles: Iterable[str] = (),
) -> frozenset[str]:
    """What an active user holds: the one definition behind ``user_keys`` and ``users_keys``.

    ``roles``: the user's roles; each editing role other than expert adds its key of
    the user's country (``trainers:PHL``)."""
    keys = {PUBLIC, MEMBERS, user_key(user_id)}
    if is_superuser:
        keys.add(ALL)
    keys.update(group_key(gid) for gid in group_ids)
    if country:
        keys.add(country_key(country))
        if is_expert:
            keys.add(experts_key(country))
        keys.update(
            editor_key(role, country)
            for role in roles
            if role in EDITOR_KEY_PREFIXES and role != Role.EXPERT
        )
        keys.update(network_key(slug) for slug in networks)
    return frozenset(keys)


def user_keys(user: User | AnonymousUser | None) -> frozenset[str]:
    """The keys this user holds now, computed once per user object (two queries at most).

    Anonymous and inactive users hold only ``public``.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset({PUBLIC})
    cached = getattr(user, "_portal_visibility_keys", None)
    if cached is not None:
        return cached
    networks: list[str] = []
    if user.country_id:
        networks = list(
            NetworkMembership.objects.filter(country_id=user.country_id).values_list(
                "network__slug", flat=True
            )
        )
    frozen = _keys_held(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        country=user.country_id,
        is_expert=bool(user.country_id) and user.has_role(Role.EXPERT),
        group_ids=user.groups.values_list("pk", flat=True),
        networks=networks,
        roles=user.roles if user.country_id else (),
    )
    user._portal_visibility_keys = frozen
    return frozen


def users_keys(user_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The keys each of these users holds now, read from the database in three queries
    whatever their number (the WebSocket fan-out checks a whole process's consumers at
    once). Inactive or unknown users hold only ``public``, as in ``user_keys``."""
    from django.contrib.auth import get_user_model

    from .models import ROLE_GROUP_NAMES

    user_model = get_user_model()
    ids = set(user_ids)
    result = dict.fromkeys(ids, frozenset({PUBLIC}))
    rows = list(
        user_model.objects.filter(pk__any=ids, is_active=True).values_list(
            "pk", "is_superuser", "country_id"
        )
    )
    if not rows:
        return result
    groups: dict[int, list[tuple[int, str]]] = {pk: [] for pk, _, _ in rows}
    for uid, gid, name in user_model.groups.through.objects.filter(user_id__any=groups).values_list(
        "user_id", "group_id", "group__name"
    ):
        groups[uid].append((gid, name))
    networks: dict[str, list[str]] = {}
    countries = {country for _, _, country in rows if country}
    for code, slug in NetworkMembership.objects.filter(country_id__in=countries).values_list(
        "country_id", "network__slug"
    ):
        networks.setdefault(code, []).append(slug)
    expert_group = ROLE_GROUP_NAMES[Role.EXPERT]
    role_of_group = {name: role for role, name in ROLE_GROUP_NAMES.items()}
    for pk, is_superuser, country in rows:
        result[pk] = _keys_held(
            user_id=pk,
            is_superuser=is_superuser,
            country=country,
            is_expert=any(name == expert_group for _, name in groups[pk]),
            group_ids=[gid for gid, _ in groups[pk]],
            networks=networks.get(country, []),
            roles=[role_of_group[name] for _, name in groups[pk] if name in role_of_group],
        )
    return result


def keys_epoch() -> int | None:
    """The keys epoch now (``KeysEpoch``, raised by database triggers on every change to
    what users hold); ``None`` when its row is missing (a test database just flushed),
    which means nothing computed earlier may be reused."""
    from .models import KeysEpoch

    return KeysEpoch.objects.filter(pk=1).values_list("value", flat=True).first()


class UsersKeysCache:
    """``users_keys`` for a long-lived process (the push hub): kept while the keys epoch
    stands still, read again for everyone the moment it moves.

    The epoch is read *before* any keys: a change committed after that read moves it
    again, so the next call drops what was read meanwhile. One query per call when every
    user is known, instead of three over all of them. Thread-safe.
    """

    #: Users kept at most (a process's sockets' users); past it the cache starts afresh.
    LIMIT = 100_000

    def __init__(self) -> None:
        self.epoch: int | None = None
        self.held: dict[int, frozenset[str]] = {}
        self.lock = threading.Lock()

    def get(self, user_ids: Iterable[int]) -> dict[int, frozenset[str]]:
        ids = set(user_ids)
        epoch = keys_epoch()
        with self.lock:
            if epoch is None or epoch != self.epoch or len(self.held) > self.LIMIT:
                self.held, self.epoch = {}, epoch
            known = {uid: self.held[uid] for uid in ids if uid in self.held}
        missing = ids - known.keys()
        if missing:
            fresh = users_keys(missing)
            known.update(fresh)
            with self.lock:
                if epoch is not None and epoch == self.epoch:
                    self.held.update(fresh)
        return known


def forget_user_keys(user: Any) -> None:
    """Drop the keys cached on a user object (after changing their country or groups)."""
    for attr in ("_portal_visibility_keys", "roles"):
        user.__dict__.pop(attr, None)


def user_networks(user: User) -> list[str]:
    """Slugs of the networks the user's country belongs to today."""
    prefix = network_key("")
    return sorted(key[len(prefix) :] for key in user_keys(user) if key.startswith(prefix))


def keys_allow(held: Iterable[str], item_keys: Iterable[str]) -> bool:
    """Whether a user holding ``held`` keys may act on an item carrying ``item_keys``."""
    held = set(held)
    return ALL in held or not held.isdisjoint(item_keys)


# --- the item's side -------------------------------------------------------------------


def _grant_keys(item: Shareable, codenames: Iterable[str]) -> dict[str, set[str]]:
    """django-guardian's per-object grants on ``item`` of each of ``codenames``, as keys:
    one query per grant table, whatever the number of codenames."""
    from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

    keys: dict[str, set[str]] = {codename: set() for codename in codenames}
    ct = ContentType.objects.get_for_model(item)
    for model, field, make_key in (
        (get_user_obj_perms_model(item), "user_id", user_key),
        (get_group_obj_perms_model(item), "group_id", group_key),
    ):
        grants = model.objects.filter(permission__codename__in=sorted(keys))
        if model.objects.is_generic():
            grants = grants.filter(content_type=ct, object_pk=str(item.pk))
        else:
            grants = grants.filter(content_object=item)
        for pk, codename in grants.values_list(field, "permission__codename"):
            keys[codename].add(make_key(pk))
    return keys


def compute_item_keys(item: Shareable) -> dict[str, set[str]]:
    """The keys an item should carry for each action, from its current state."""
    model_name = item._meta.model_name
    owner = item.owner_country_id
    grants = _grant_keys(item, (f"change_{model_name}", f"view_{model_name}"))
    editors = editor_keys(type(item), owner)
    # A type may name editors beyond its owner country's roles (a network's chair edits
    # the network's meetings wherever they work): their own keys, like a change grant.
    named_editors = getattr(item, "editor_user_ids", None)
    if named_editors is not None:
        editors |= {user_key(pk) for pk in named_editors()}
    change = editors | grants[f"change_{model_name}"]
    # A named co-editor must see what they edit; a viewer grant widens view only.
    view = editors | change | grants[f"view_{model_name}"]
    if item.is_released():
        level = item.distribution_level
        view.add(country_key(owner))
        if level == DistributionLevel.COUNTRIES:
            view.update(country_key(c.pk) for c in item.shared_countries.all())
        elif level == DistributionLevel.NETWORKS:
            view.update(network_key(n.slug) for n in item.shared_networks.all())
        elif level == DistributionLevel.MEMBERS:
            view.add(MEMBERS)
        elif level == DistributionLevel.PUBLIC:
            view.add(PUBLIC if item.allows_public else MEMBERS)
    return {VIEW: view, CHANGE: change}


#: Sent inside the transaction that rewrites an item's stored keys, with
#: ``content_type_id``, ``object_id`` and ``view_keys`` (empty when the item is deleted).
#: Copies of the keys kept beside other rows (search entries) are rewritten on it, so they
#: change in the same commit as the keys table: a narrowed item is hidden at once.
item_keys_changed = Signal()


def item_lock(content_type_id: int, object_id: int) -> None:
    """Serialize, until the end of the current transaction, the writers of one item's keys
    and of the copies of them (PostgreSQL advisory lock; SQLite has one writer anyway).
    A copy written after taking it reads keys no older than the last committed sync."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [content_type_id, object_id])


def sync_item_keys(item: Shareable) -> None:
    """Rewrite the stored keys of ``item`` now, from ``item`` as given."""
    ct = ContentType.objects.get_for_model(item)
    wanted = compute_item_keys(item)
    # No savepoint of its own: a failure here fails the change that asked for it.
    with transaction.atomic(savepoint=False):
        item_lock(ct.pk, item.pk)
        VisibilityKey.objects.filter(content_type=ct, object_id=item.pk).delete()
        VisibilityKey.objects.bulk_create(
            VisibilityKey(content_type=ct, object_id=item.pk, action=action, key=key)
            for action, keys in wanted.items()
            for key in sorted(keys)
        )
        item_keys_changed.send(
            sender=type(item),
            content_type_id=ct.pk,
            object_id=item.pk,
            view_keys=frozenset(wanted[VIEW]),
        )


def delete_item_keys(item: Shareable) -> None:
    ct = ContentType.objects.get_for_model(item)
    _keys_delete(model=type(item), content_type_id=ct.pk, object_id=item.pk)


def _keys_delete(*, model: type[Shareable], content_type_id: int, object_id: int) -> None:
    with transaction.atomic(savepoint=False):
        item_lock(content_type_id, object_id)
        VisibilityKey.objects.filter(content_type_id=content_type_id, object_id=object_id).delete()
        item_keys_changed.send(
            sender=model,
            content_type_id=content_type_id,
            object_id=object_id,
            view_keys=frozenset(),
        )


# --- one sync per item and transaction --------------------------------------------------
#
# A service saves an item several times in one transaction (create, distribution, revision,
# publication), and each save, many-to-many change and grant used to rewrite its keys.
# Inside ``keys_sync_deferred()`` the signal handlers record the item instead
# (``item_changed``), and its keys are computed from its row and written once at the end of
# the block, still inside the transaction: what commits is what the last immediate sync
# would have written. Reading an item's stored keys through this module (``item_keys``,
# ``can``, ``visible_to``) inside the block writes its pending keys first.

_SYNC = "access.keys"


def keys_sync_deferred():
    """A transaction block at whose end each changed shared item's keys are written once
    (``portal.core.batching.batched``; blocks nest, the outermost writes)."""
    from portal.core.batching import batched

    return batched()


def _sync_from_row(model: type[Shareable], content_type_id: int, object_id: int) -> None:
    """Write the keys of the item from its row as it stands (removed if it is gone)."""
    item = model._base_manager.filter(pk=object_id).first()
    if item is None:
        _keys_delete(model=model, content_type_id=content_type_id, object_id=object_id)
    else:
        sync_item_keys(item)


def item_changed(item: Shareable, *, deleted: bool = False) -> None:
    """The item, its distribution or its grants changed, or it was ``deleted``: write its
    keys now, or once, from its row, at the end of the open ``keys_sync_deferred`` block."""
    from portal.core import batching

    if not batching.in_block():
        if deleted:
            delete_item_keys(item)
        else:
            sync_item_keys(item)
        return
    model = type(item)
    ct_id = ContentType.objects.get_for_model(item).pk
    object_id = item.pk
    batching.once((_SYNC, ct_id, object_id), lambda: _sync_from_row(model, ct_id, object_id))


def _pending_written(content_type_id: int, object_id: int | None = None) -> None:
    """Write now the keys still pending in the open block (for one item, or all of a type)."""
    from portal.core import batching

    if not batching.in_block():
        return
    if object_id is not None:
        batching.run_now((_SYNC, content_type_id, object_id))
    else:
        batching.run_matching(
            lambda key: isinstance(key, tuple) and key[:2] == (_SYNC, content_type_id)
        )


def item_keys(item: Shareable, action: str = VIEW) -> set[str]:
    """The stored keys of ``item`` for ``action`` (what search and fan-out publish)."""
    ct = ContentType.objects.get_for_model(item)
    return stored_keys(content_type_id=ct.pk, object_id=item.pk, action=action)


def stored_keys(*, content_type_id: int, object_id: int, action: str = VIEW) -> set[str]:
    """The keys stored for an item named by its content type and id, as they are now (the
    push hub checks an event's item again at delivery: it may have narrowed since)."""
    _pending_written(content_type_id, object_id)
    return set(
        VisibilityKey.objects.filter(
            content_type_id=content_type_id, object_id=object_id, action=action
        ).values_list("key", flat=True)
    )


# --- selectors -------------------------------------------------------------------------


def visible_to(*, user: Any, queryset: models.QuerySet, action: str = VIEW) -> models.QuerySet:
    """Filter ``queryset`` of a shareable model to the items ``user`` may view (or change).

    One subquery on the keys table, whatever the number of items, so list pages and
    counts cost the same for every user.
    """
    keys = user_keys(user)
    if ALL in keys:
        return queryset
    ct = ContentType.objects.get_for_model(queryset.model)
    _pending_written(ct.pk)
    matching = VisibilityKey.objects.filter(
        content_type=ct, action=action, key__in=sorted(keys)
    ).values("object_id")
    return queryset.filter(pk__in=matching)


def keys_copy(keys: Iterable[str]) -> dict[str, bool]:
    """An item's view keys as stored beside other rows (``visible_rows``): a JSON object,
    so "holds any of these keys" is one portable lookup (``has_any_keys``)."""
    return dict.fromkeys(sorted(keys), True)


def visible_rows(*, user: Any, queryset: models.QuerySet, keys_field: str) -> models.QuerySet:
    """Filter rows that carry a copy of their item's view keys (``keys_copy`` in
    ``keys_field``, kept in step through ``item_keys_changed``: the search entries) to
    those ``user`` may view — inside the query, so counts, facets and pages are of visible
    rows only, at the cost of a test on each row's own column."""
    keys = user_keys(user)
    if ALL in keys:
        return queryset
    return queryset.filter(**{f"{keys_field}__has_any_keys": sorted(keys)})


def can(user: Any, action: str, item: Shareable) -> bool:
    """Whether ``user`` may perform ``action`` (``view`` or ``change``) on ``item``."""
    keys = user_keys(user)
    if ALL in keys:
        return True
    ct = ContentType.objects.get_for_model(item)
    _pending_written(ct.pk, item.pk)
    return VisibilityKey.objects.filter(
        content_type=ct, object_id=item.pk, action=action, key__in=sorted(keys)
    ).exists()


def can_view(user: Any, item: Shareable) -> bool:
    return can(user, VIEW, item)


def can_change(user: Any, item: Shareable) -> bool:
    return can(user, CHANGE, item)


def can_create(user: Any, model: Any = None) -> bool:
    """Whether ``user`` may create shared items (of ``model``: its ``editor_roles``;
    experts when none is named) — holders of those roles with a country, and superusers."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (
        bool(user.country_id) and any(user.has_role(role) for role in editor_roles(model))
    )


def networks_to_schedule(*, user: Any, model: Any, queryset: models.QuerySet) -> models.QuerySet:
    """The networks (of ``queryset``) whose meetings (``model``) ``user`` may schedule: the
    ones they chair, and those whose chair's country they edit ``model`` for (its chairs
    and experts); every one for superusers; none for those who may not create them."""
    if not can_create(user, model):
        return queryset.none()
    keys = user_keys(user)
    if ALL in keys:
        return queryset
    codes = [user.country_id] if editor_keys(model, user.country_id) & keys else []
    return queryset.filter(models.Q(chair=user) | models.Q(chair__country_id__in=codes))


def creators(model: Any = None) -> models.QuerySet:
    """The users ``can_create`` allows (for ``model``), as a queryset (for Wagtail's "who
    may edit" lists): active superusers, and active holders of its editing roles."""
    from django.db.models import Q

    from .models import ROLE_GROUP_NAMES, User

    names = [ROLE_GROUP_NAMES[role] for role in editor_roles(model)]
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(country__isnull=False, groups__name__in=names))
        .distinct()
    )


def can_choose_owner(user: Any) -> bool:
    """Whether ``user`` may give an item to any country (network administrators); everyone
    else's new items belong to their own country."""
    return bool(getattr(user, "is_active", False) and ALL in user_keys(user))


def access_log_readers() -> models.QuerySet:
    """The users ``can_read_access_log`` allows, as a queryset."""
    return User.objects.filter(is_active=True, is_superuser=True)


def _expert_countries(user: Any) -> set[str]:
    """The countries whose experts ``user`` is one of (their ``experts:`` keys)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    prefix = experts_key("")
    return {key[len(prefix) :] for key in user_keys(user) if key.startswith(prefix)}


def can_review(user: Any, item: Shareable, *, submitted_by_id: int | None = None) -> bool:
    """Whether ``user`` may approve, or send back, ``item`` in review: an expert of the
    item's owner country other than the one who submitted it (``submitted_by_id``).

    A second *expert's* judgement: superusers and named co-editors of another country
    (change grants) do not review, though they may edit.
    """
    if submitted_by_id is not None and getattr(user, "pk", None) == submitted_by_id:
        return False
    return item.owner_country_id in _expert_countries(user)


def reviewable(*, user: Any, queryset: models.QuerySet) -> models.QuerySet:
    """The items of ``queryset`` ``user`` may review (submitter aside: ``can_review``)."""
    return queryset.filter(owner_country_id__in=sorted(_expert_countries(user)))


def can_publish(user: Any, item: Shareable, *, review_required: bool) -> bool:
    """Whether ``user`` may publish ``item`` without review: its editors, unless its
    first publication waits for a second expert (``review_required``)."""
    return not review_required and can_change(user, item)


def can_settle_action(
    user: Any, *, owner_id: int | None, owner_country: str, item: Shareable
) -> bool:
    """Whether ``user`` may mark an action item (of the meeting ``item``) done or open
    again: its owner when it names one, else the experts of its owner country; and
    whoever may change the meeting (the chair, the chair country's experts)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if owner_id is not None:
        if user.pk == owner_id:
            return True
    elif owner_country in _expert_countries(user):
        return True
    return can_change(user, item)


def can_read_access_log(user: Any) -> bool:
    """Whether ``user`` may read the access log: the network's administrators (superusers)
    only. Nobody may change it."""
    return bool(getattr(user, "is_active", False) and ALL in user_keys(user))


def get_visible_or_404(*, user: Any, queryset: models.QuerySet, action: str = VIEW, **lookup):
    """The item matching ``lookup`` if ``user`` may see it; ``Http404`` otherwise.

    Not visible and not existing look the same, so a restricted item is never confirmed.
    Inside a request, the answer is written to the access log (``audit``): the read of a
    restricted item, or the refusal.
    """
    from . import audit

    try:
        item = visible_to(user=user, queryset=queryset, action=action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        object_id = lookup.get("pk", lookup.get("id", next(iter(lookup.values()), "")))
        audit.item_denied(user=user, model=queryset.model, object_id=object_id)
        raise Http404("No such item, or you may not see it.") from exc
    audit.item_read(user=user, item=item)
    return item


# --- items inside items, learners' records, width (training) ---------------------------


def visible_through(
    *, user: Any, queryset: models.QuerySet, lookup: str, model: type, action: str = VIEW
) -> models.QuerySet:
    """Rows of ``queryset`` whose shared item (reached by ``lookup``, e.g.
    ``"module__course"``, an item of ``model``) ``user`` may view (or change): a course's
    lessons, quizzes and questions are visible exactly when their course is."""
    items = visible_to(user=user, queryset=model._default_manager.all(), action=action)
    return queryset.filter(**{f"{lookup}__in": items.values("pk")})


def own_records(*, user: Any, queryset: models.QuerySet, field: str = "user") -> models.QuerySet:
    """A person's own records (enrolments, attempts, certificates): the rows of
    ``queryset`` whose ``field`` is ``user`` — none for anonymous or inactive users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    return queryset.filter(**{field: user.pk})


def users_who_may_view(*, item: Shareable, users: models.QuerySet) -> list:
    """The users of ``users`` who may view ``item`` now (three queries for the users'
    keys, one for the item's)."""
    keys = item_keys(item)
    candidates = list(users.filter(is_active=True))
    held = users_keys(u.pk for u in candidates)
    return [u for u in candidates if keys_allow(held.get(u.pk, ()), keys)]


def distribution_view_keys(
    *,
    model: Any,
    owner: str,
    level: str,
    countries: Iterable[str] = (),
    networks: Iterable[str] = (),
) -> set[str]:
    """The view keys a *released* item of ``model`` owned by ``owner`` would carry with
    this distribution (grants aside): what a form about to save it compares."""
    view = editor_keys(model, owner) | {country_key(owner)}
    if level == DistributionLevel.COUNTRIES:
        view.update(country_key(code) for code in countries)
    elif level == DistributionLevel.NETWORKS:
        view.update(network_key(slug) for slug in networks)
    elif level == DistributionLevel.MEMBERS:
        view.add(MEMBERS)
    elif level == DistributionLevel.PUBLIC:
        view.add(PUBLIC if getattr(model, "allows_public", True) else MEMBERS)
    return view


def keys_not_covered(keys: Iterable[str], bound: Iterable[str]) -> set[str]:
    """The keys of ``keys`` some holder of which holds none of ``bound``: an item with
    ``keys`` is seen by nobody who may not see an item with ``bound`` exactly when this
    is empty (``public`` ⊃ ``members`` ⊃ networks ⊃ countries ⊃ a country's editors).

    - ``public`` is covered only by ``public``; ``members`` by ``public`` or ``members``;
    - ``country:X`` by those, ``country:X`` or a network X belongs to *today* (a country
      joining a network later widens what its officers see of both items alike);
    - ``experts:X`` / ``trainers:X`` by those, or the same key;
    - ``network:N`` by those, ``network:N`` or every member country of N listed;
    - ``user:`` and ``group:`` grants by the grantees' own keys now;
    - ``*`` (superusers) holds everything anyway and is never asked about.
    """
    from .models import Network

    bound = set(bound)
    if PUBLIC in bound:
        return set()
    member_wide = MEMBERS in bound
    bound_networks = {k.split(":", 1)[1] for k in bound if k.startswith(network_key(""))}
    networks_of: dict[str, set[str]] = {}
    for code, slug in NetworkMembership.objects.values_list("country_id", "network__slug"):
        networks_of.setdefault(code, set()).add(slug)

    def country_covered(code: str) -> bool:
        return (
            member_wide
            or country_key(code) in bound
            or bool(networks_of.get(code, set()) & bound_networks)
        )

    missing = set()
    for key in set(keys):
        kind, _, value = key.partition(":")
        if key == ALL:
            continue
        if key == PUBLIC:
            covered = False
        elif key == MEMBERS:
            covered = member_wide
        elif kind == "country":
            covered = country_covered(value)
        elif kind in EDITOR_KEY_PREFIXES.values():
            covered = key in bound or country_covered(value)
        elif kind == "network":
            members = set(
                Network.objects.filter(slug=value).values_list("memberships__country_id", flat=True)
            ) - {None}
            covered = member_wide or key in bound or all(country_covered(c) for c in members)
        elif kind == "user":
            held = users_keys([int(value)]).get(int(value), frozenset())
            covered = key in bound or keys_allow(held, bound)
        elif kind == "group":
            from django.contrib.auth import get_user_model

            members = get_user_model().objects.filter(groups__pk=int(value))
            held = users_keys(members.values_list("pk", flat=True))
            covered = key in bound or all(keys_allow(h, bound) for h in held.values())
        else:
            covered = key in bound
        if not covered:
            missing.add(key)
    return missing


# --- anonymized case data (dashboards) --------------------------------------------------


def case_import_country(user: Any) -> str | None:
    """The country whose case data ``user`` imports and withdraws: their own, when they
    are one of its document experts (the people who publish its specimens and alerts);
    ``None`` for everyone else — superusers too, who report for no country."""
    countries = _expert_countries(user)
    return next(iter(sorted(countries)), None)


def can_import_cases(user: Any) -> bool:
    """Whether ``user`` may import case data (for their own country only)."""
    return case_import_country(user) is not None


def can_read_case_rows(user: Any) -> bool:
    """Whether ``user`` may read raw case rows and import batches at all: the experts of
    a reporting country (of their country's rows only: ``case_rows_visible``)."""
    return case_import_country(user) is not None


def case_rows_visible(user: Any) -> models.Q:
    """The case rows, scanned counts and import batches ``user`` may read, as a filter on
    their ``reported_by``: the reporting country's experts see that country's; nobody
    else sees any row (the aggregates to come are for every member)."""
    countries = sorted(_expert_countries(user))
    if not countries:
        return models.Q(pk__in=[])
    return models.Q(reported_by_id__in=countries)


def can_withdraw_import(user: Any, batch: Any) -> bool:
    """Whether ``user`` may withdraw the import ``batch``: experts of its reporting
    country."""
    return batch.reported_by_id in _expert_countries(user)

"""The access rule's own behaviour beyond the matrix: keys, changes taking effect at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm, remove_perm

from portal.access import rule
from portal.access.distribution import Distribution, distribution_apply
from portal.access.models import Country, NetworkMembership, VisibilityKey
from tests.shareable_app.models import Notice

pytestmark = pytest.mark.django_db


def notice(distribution, released=True, owner="THA"):
    item = Notice.objects.create(
        title="Counterfeit visa foil", owner_country_id=owner, released=released
    )
    distribution_apply(item=item, distribution=Distribution.from_data(distribution))
    return item


def test_user_keys_of_an_officer(users):
    keys = rule.user_keys(users["officer.vnm"])
    assert {"public", "members", "country:VNM", "network:andex"} <= keys
    assert f"user:{users['officer.vnm'].pk}" in keys
    assert not any(k.startswith("experts:") for k in keys)
    assert "network:rnde-europe" not in keys


def test_user_keys_of_an_expert_and_of_anonymous(users):
    assert "experts:THA" in rule.user_keys(users["expert.tha"])
    assert rule.user_keys(AnonymousUser()) == {"public"}
    users["officer.tha"].is_active = False
    assert rule.user_keys(users["officer.tha"]) == {"public"}


def test_users_keys_in_bulk_are_the_keys_of_each_user(users, django_assert_num_queries):
    """The WebSocket fan-out's batched read gives every user exactly what ``user_keys``
    gives them one by one (superuser, experts, officers, grants by group, inactive)."""
    from django.contrib.auth.models import Group

    from portal.access.models import User

    extra = Group.objects.create(name="Visa desk")
    users["officer.fin"].groups.add(extra)
    User.objects.filter(username="trainer.phl").update(is_active=False)
    everyone = list(User.objects.all())
    assert len(everyone) >= 6 and any(u.is_superuser for u in everyone)
    with django_assert_num_queries(3):
        bulk = rule.users_keys([u.pk for u in everyone] + [999_999])
    for user in everyone:
        assert bulk[user.pk] == rule.user_keys(user), user.username
    assert f"group:{extra.pk}" in bulk[users["officer.fin"].pk]
    assert bulk[999_999] == {"public"}
    assert bulk[users["trainer.phl"].pk] == {"public"}


@pytest.mark.parametrize(
    "change",
    [
        "deactivated",
        "made_superuser",
        "moved_country",
        "joined_group",
        "left_group",
        "group_renamed",
        "country_left_network",
        "country_joined_network",
        "network_renamed",
        "raw_sql",
    ],
)
def test_the_keys_cache_reads_again_after_any_change_to_what_users_hold(users, change):
    """The push hub keeps users' keys while the keys epoch stands still; every kind of
    change moves the epoch (database triggers, whatever issues the write: the ORM, a bulk
    ``update`` or raw SQL), and the next read gives the new keys."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from portal.access.models import Network, NetworkMembership, User

    officer = users["officer.vnm"]
    expert = users["expert.tha"]
    cache = rule.UsersKeysCache()
    ids = [officer.pk, expert.pk]
    before = cache.get(ids)
    assert before == rule.users_keys(ids)
    epoch = rule.keys_epoch()
    assert epoch is not None
    assert cache.get(ids) == before and rule.keys_epoch() == epoch  # nothing moved it

    experts = Group.objects.get(name="Document experts")
    if change == "deactivated":
        User.objects.filter(pk=officer.pk).update(is_active=False)
    elif change == "made_superuser":
        User.objects.filter(pk=officer.pk).update(is_superuser=True)
    elif change == "moved_country":
        User.objects.filter(pk=officer.pk).update(country_id="FIN")
    elif change == "joined_group":
        officer.groups.add(experts)
    elif change == "left_group":
        expert.groups.remove(experts)
    elif change == "group_renamed":
        Group.objects.filter(pk=experts.pk).update(name="Former experts")
    elif change == "country_left_network":
        NetworkMembership.objects.filter(country_id="VNM", network__slug="andex").delete()
    elif change == "country_joined_network":
        NetworkMembership.objects.create(
            country_id="VNM", network=Network.objects.get(slug="rnde-europe")
        )
    elif change == "network_renamed":
        Network.objects.filter(slug="andex").update(slug="andex-2")
    elif change == "raw_sql":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE access_user SET country_id = 'FIN' WHERE id = %s", [officer.pk])

    assert rule.keys_epoch() != epoch
    after = cache.get(ids)
    assert after == rule.users_keys(ids)
    assert after != before


def test_the_keys_epoch_stands_still_for_what_does_not_change_keys(users):
    """A sign-in writes ``last_login``: not a change of keys, so the cache holds."""
    from django.utils import timezone

    from portal.access.models import User

    epoch = rule.keys_epoch()
    User.objects.filter(pk=users["officer.vnm"].pk).update(last_login=timezone.now())
    User.objects.filter(pk=users["officer.vnm"].pk).update(country_id="VNM")  # the same
    assert rule.keys_epoch() == epoch


def test_item_keys_follow_the_distribution(users):
    item = notice({"level": "networks", "networks": ["andex"]})
    assert rule.item_keys(item) == {"experts:THA", "country:THA", "network:andex"}
    assert rule.item_keys(item, rule.CHANGE) == {"experts:THA"}


def test_leaving_a_network_hides_its_items_at_once_without_reindexing(users):
    item = notice({"level": "networks", "networks": ["andex"]})
    officer = users["officer.vnm"]
    assert rule.can_view(officer, item)
    keys_before = set(VisibilityKey.objects.values_list("key", flat=True))
    NetworkMembership.objects.filter(network__slug="andex", country_id="VNM").delete()
    rule.forget_user_keys(officer)  # a new request computes keys afresh
    assert not rule.can_view(officer, item)
    assert set(VisibilityKey.objects.values_list("key", flat=True)) == keys_before


def test_joining_a_network_shows_its_items_at_once(users):
    item = notice({"level": "networks", "networks": ["andex"]})
    officer = users["officer.fin"]
    assert not rule.can_view(officer, item)
    NetworkMembership.objects.create(network_id=item.shared_networks.get().pk, country_id="FIN")
    rule.forget_user_keys(officer)
    assert rule.can_view(officer, item)


def test_narrowing_a_distribution_hides_the_item_at_once(users):
    item = notice({"level": "members"})
    assert rule.can_view(users["officer.fin"], item)
    distribution_apply(item=item, distribution=Distribution.from_data({"level": "country"}))
    assert not rule.can_view(users["officer.fin"], item)
    assert rule.can_view(users["officer.tha"], item)


def test_guardian_grant_and_revocation_enter_as_keys(users):
    item = notice({"level": "country"})
    analyst = users["analyst.nld"]
    assert not rule.can_view(analyst, item)
    assign_perm("view_notice", analyst, item)
    assert f"user:{analyst.pk}" in rule.item_keys(item)
    assert rule.can_view(analyst, item)
    assert not rule.can_change(analyst, item)
    remove_perm("view_notice", analyst, item)
    assert not rule.can_view(analyst, item)


def test_change_grant_makes_a_coeditor_who_can_also_view(users):
    item = notice({"level": "country"}, released=False)
    coeditor = users["officer.fin"]
    assign_perm("change_notice", coeditor, item)
    assert rule.can_change(coeditor, item)
    assert rule.can_view(coeditor, item)


def test_group_grant_enters_as_group_key(users):
    from django.contrib.auth.models import Group

    partners = Group.objects.create(name="Partner analysts")
    users["officer.fin"].groups.add(partners)
    rule.forget_user_keys(users["officer.fin"])
    item = notice({"level": "country"})
    assign_perm("view_notice", partners, item)
    assert rule.can_view(users["officer.fin"], item)


def test_global_permissions_never_widen_visibility(users):
    from django.contrib.auth.models import Permission

    officer = users["officer.fin"]
    officer.user_permissions.add(Permission.objects.get(codename="view_notice"))
    item = notice({"level": "country"})
    assert not rule.can_view(officer, item)


def test_release_of_a_draft_widens_it(users):
    item = notice({"level": "members"}, released=False)
    assert not rule.can_view(users["officer.tha"], item)
    item.released = True
    item.save()
    assert rule.can_view(users["officer.vnm"], item)


def test_deleting_an_item_deletes_its_keys(users):
    item = notice({"level": "members"})
    assign_perm("view_notice", users["analyst.nld"], item)
    item.delete()
    assert not VisibilityKey.objects.exists()


def test_visible_to_costs_one_query_whatever_the_number_of_items(users, django_assert_num_queries):
    for index in range(30):
        notice({"level": "members"} if index % 2 else {"level": "country"})
    officer = users["officer.fin"]
    rule.user_keys(officer)
    with django_assert_num_queries(1):
        assert len(list(rule.visible_to(user=officer, queryset=Notice.objects.all()))) == 15


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("andex", "Give the distribution as an object"),
        ({"level": "galaxy"}, "Unknown distribution level"),
        ({"level": "countries"}, "needs a list of country codes"),
        ({"level": "countries", "countries": ["XXX"]}, "Unknown country codes: XXX"),
        ({"level": "networks", "networks": ["nowhere"]}, "Unknown networks: nowhere"),
        ({"level": "members", "countries": ["VNM"]}, "only be listed with level 'countries'"),
    ],
)
def test_distribution_errors_say_what_is_wrong(demo_network, data, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=message):
        Distribution.from_data(data)


def test_public_is_refused_where_not_allowed(demo_network):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="never be public"):
        Distribution.from_data({"level": "public"}, allows_public=False)


def test_countries_are_the_full_iso_list(db):
    assert Country.objects.count() >= 249
    assert Country.objects.get(code="VNM").region == "South-eastern Asia"
    assert Country.objects.get(code="FIN").region == "Northern Europe"


# --- keys written once per block (rule.keys_sync_deferred) ------------------------------


def _key_writes(queries) -> int:
    return sum('INSERT INTO "access_visibilitykey"' in q["sql"] for q in queries)


def test_a_deferred_block_writes_an_items_keys_once_from_its_row(users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.access.models import Network

    with CaptureQueriesContext(connection) as ctx, rule.keys_sync_deferred():
        item = Notice.objects.create(title="Foil", owner_country_id="THA", released=True)
        item.distribution_level = "networks"
        item.save()
        item.shared_networks.add(Network.objects.get(slug="andex"))
        assign_perm("view_notice", users["analyst.nld"], item)
        # Memory may differ from the row (a draft held in memory): the row decides.
        item.distribution_level = "members"
        assert _key_writes(ctx.captured_queries) == 0
    assert _key_writes(ctx.captured_queries) == 1
    analyst = users["analyst.nld"]
    assert rule.item_keys(item) == {
        "experts:THA", "country:THA", "network:andex", f"user:{analyst.pk}"
    }  # fmt: skip


def test_reading_keys_inside_a_block_sees_the_blocks_changes(users):
    officer, outsider = users["officer.vnm"], users["officer.fin"]
    item = notice({"level": "country"})
    with rule.keys_sync_deferred():
        distribution_apply(item=item, distribution=Distribution.from_data({"level": "members"}))
        assert rule.can_view(outsider, item)
        assert "members" in rule.item_keys(item)
        item.distribution_level = "country"
        item.save()
        assert not rule.visible_to(user=officer, queryset=Notice.objects.all()).exists()
    assert not rule.can_view(outsider, item)


def test_a_block_that_fails_leaves_the_keys_as_they_were(users):
    item = notice({"level": "country"})
    with pytest.raises(RuntimeError), rule.keys_sync_deferred():
        item.released = False
        item.save()
        assign_perm("view_notice", users["analyst.nld"], item)
        raise RuntimeError("refused")
    assert rule.item_keys(item) == {"experts:THA", "country:THA"}


def test_keys_read_inside_a_savepoint_that_rolls_back_are_written_again(users):
    """A reader inside an inner savepoint makes the keys be written early; that savepoint
    rolling back must not leave the narrowed item with its old, wider keys."""
    from django.db import transaction

    item = notice({"level": "members"})
    with rule.keys_sync_deferred():
        item.distribution_level = "country"
        item.save()
        try:
            with transaction.atomic():
                assert not rule.can_view(users["officer.vnm"], item)  # keys written here
                raise RuntimeError("a step that fails and is caught")
        except RuntimeError:
            pass
    assert not rule.can_view(users["officer.vnm"], item)
    assert rule.item_keys(item) == {"experts:THA", "country:THA"}


def test_an_item_deleted_in_a_block_loses_its_keys(users):
    item = notice({"level": "members"})
    with rule.keys_sync_deferred():
        item.title = "Changed"
        item.save()
        item.delete()
    assert not VisibilityKey.objects.exists()


def test_blocks_nest_and_the_outermost_writes(users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    item = notice({"level": "country"})
    with CaptureQueriesContext(connection) as ctx, rule.keys_sync_deferred():
        with rule.keys_sync_deferred():
            item.save()
        distribution_apply(item=item, distribution=Distribution.from_data({"level": "members"}))
        assert _key_writes(ctx.captured_queries) == 0
    assert _key_writes(ctx.captured_queries) == 1
    assert rule.can_view(users["officer.fin"], item)


def test_outside_a_block_every_change_writes_at_once(users):
    """Paths that open no block (the admin's own saves, guardian grants, a shell) keep
    the keys in step at each change, as before."""
    item = notice({"level": "country"})
    item.distribution_level = "members"
    item.save()
    assert rule.can_view(users["officer.fin"], item)
    assign_perm("view_notice", users["analyst.nld"], item)
    assert f"user:{users['analyst.nld'].pk}" in rule.item_keys(item)

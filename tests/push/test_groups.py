"""Group names from parsed visibility keys: one function, and unknown kinds raise."""

from __future__ import annotations

import pytest

from portal.push import groups


@pytest.mark.parametrize(
    "key",
    ["region:asean", "*", "country:", "country", "experts:THA!", "user:abc", "group:", "", "x:1"],
)
def test_an_unknown_or_malformed_key_raises(key):
    with pytest.raises(groups.UnknownKeyKind):
        groups.key_parse(key)


def test_one_unknown_key_among_known_ones_raises_before_any_query(db, django_assert_num_queries):
    """Never a silent drop: a kind the rule learns later must reach the push's code."""
    with django_assert_num_queries(0), pytest.raises(groups.UnknownKeyKind, match="region"):
        groups.groups_for_keys({"members", "country:THA", "region:asean"})


def test_known_kinds_parse():
    assert groups.key_parse("country:THA") == ("country", "THA")
    assert groups.key_parse("experts:THA") == ("experts", "THA")
    assert groups.key_parse("network:rnde-europe") == ("network", "rnde-europe")
    assert groups.key_parse("user:42") == ("user", "42")
    assert groups.key_parse("group:7") == ("group", "7")
    assert groups.key_parse("members") == ("members", "")
    assert groups.key_parse("public") == ("public", "")


def test_members_and_public_items_wake_the_members_group_only(db):
    assert groups.groups_for_keys({"experts:THA", "country:THA", "members"}) == {groups.MEMBERS}
    assert groups.groups_for_keys({"country:THA", "public"}) == {groups.MEMBERS}


def test_networks_are_expanded_to_their_member_countries_now(users, django_assert_num_queries):
    from portal.access.models import Country, Network, NetworkMembership

    with django_assert_num_queries(1):
        found = groups.groups_for_keys({"experts:THA", "country:THA", "network:rnde-europe"})
    rnde = set(
        NetworkMembership.objects.filter(network__slug="rnde-europe").values_list(
            "country_id", flat=True
        )
    )
    assert {"FIN", "NLD"} <= rnde
    assert found == {groups.EVERYTHING, *(groups.country_group(c) for c in {"THA", *rnde})}
    # A country joining today is reached today.
    NetworkMembership.objects.create(
        network=Network.objects.get(slug="rnde-europe"), country=Country.objects.get(pk="VNM")
    )
    assert groups.country_group("VNM") in groups.groups_for_keys({"network:rnde-europe"})


def test_grants_reach_their_users(users):
    from django.contrib.auth.models import Group

    team = Group.objects.create(name="Partner analysts")
    users["analyst.nld"].groups.add(team)
    found = groups.groups_for_keys({f"user:{users['officer.fin'].pk}", f"group:{team.pk}"})
    assert found == {
        groups.EVERYTHING,
        groups.user_group(users["officer.fin"].pk),
        groups.user_group(users["analyst.nld"].pk),
    }


def test_a_user_joins_members_their_own_and_their_country_group(users):
    officer, admin = users["officer.vnm"], users["admin"]
    assert set(groups.groups_of_user(officer)) == {
        groups.MEMBERS,
        groups.user_group(officer.pk),
        groups.country_group("VNM"),
    }
    assert groups.EVERYTHING in groups.groups_of_user(admin)

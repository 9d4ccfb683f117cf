"""``field__any``: the same rows as ``field__in``, with the list bound as one parameter."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.access.models import Country, User

pytestmark = pytest.mark.django_db


def test_any_matches_what_in_matches(users):
    ids = [users["officer.tha"].pk, users["officer.vnm"].pk, 10**9, None]
    expected = set(User.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert expected == {users["officer.tha"].pk, users["officer.vnm"].pk}
    assert set(User.objects.filter(pk__any=ids).values_list("pk", flat=True)) == expected
    # A foreign key, a text key, an empty list.
    through = User.groups.through.objects
    assert set(through.filter(user_id__any=ids).values_list("pk", flat=True)) == set(
        through.filter(user_id__in=ids).values_list("pk", flat=True)
    )
    assert set(Country.objects.filter(code__any=["THA", "VNM", "XXX"])) == set(
        Country.objects.filter(code__in=["THA", "VNM"])
    )
    assert list(User.objects.filter(pk__any=[])) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array form is PostgreSQL's")
def test_on_postgresql_the_list_is_one_array(users):
    ids = list(User.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        list(User.objects.filter(pk__any=ids))
    sql = ctx.captured_queries[0]["sql"]
    assert "= ANY(" in sql and " IN (" not in sql

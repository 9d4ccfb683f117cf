"""Each search entry carries a copy of its item's view keys, rewritten in the transaction
that changes them; an entry written while they change waits for that transaction."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from portal.access import rule
from portal.access.distribution import Distribution, distribution_apply
from portal.specimens.models import Specimen
from search import search
from search.indexing import entry_update
from search.models import SearchEntry
from tests.search.test_search import specimen


def _copy(item) -> dict:
    return SearchEntry.objects.get(type="specimen", object_id=item.pk).view_keys


@pytest.mark.django_db
def test_the_copy_follows_every_change_of_the_keys_in_the_same_transaction(users):
    from guardian.shortcuts import assign_perm, remove_perm

    item = specimen("Copied keys passport", level={"level": "networks", "networks": ["andex"]})
    assert _copy(item) == rule.keys_copy(rule.item_keys(item))
    assert "network:andex" in _copy(item)
    fin = users["officer.fin"]
    with transaction.atomic():  # no after-commit step is needed to hide or show it
        assign_perm("view_specimen", fin, item)
        assert f"user:{fin.pk}" in _copy(item)
        assert search(fin, "copied keys").total == 1
    remove_perm("view_specimen", fin, item)
    assert search(fin, "copied keys").total == 0
    distribution_apply(item=item, distribution=Distribution.from_data({"level": "country"}))
    assert _copy(item) == rule.keys_copy({"country:THA", "experts:THA"})
    Specimen.objects.filter(pk=item.pk).delete()  # the entry itself goes after the commit
    assert SearchEntry.objects.filter(object_id=item.pk, type="specimen").get().view_keys == {}


@pytest.mark.django_db(transaction=True)
def test_an_entry_written_while_the_keys_change_waits_and_copies_the_new_keys(users):
    """A revoked grant (no save of the item, so nothing rewrites its entry after the commit)
    racing with an entry write: the write must wait for the revocation and copy its keys."""
    from guardian.shortcuts import assign_perm, remove_perm

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has a single writer: nothing to interleave")
    fin = users["officer.fin"]
    item = specimen("Raced passport", level={"level": "country"})
    assign_perm("view_specimen", fin, item)
    assert search(fin, "raced").total == 1
    revoking, written = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def revoke() -> None:
        try:
            with transaction.atomic():
                remove_perm("view_specimen", fin, Specimen.objects.get(pk=item.pk))
                revoking.set()
                # The entry's writer must still be waiting when this commits.
                assert not written.wait(1.0)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    def rewrite() -> None:
        try:
            revoking.wait(5)
            entry_update(Specimen.objects.get(pk=item.pk))
            written.set()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=revoke), threading.Thread(target=rewrite)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors, errors
    assert written.is_set() and time.monotonic() - started >= 1.0
    assert _copy(item) == rule.keys_copy({"country:THA", "experts:THA"})
    assert search(fin, "raced").total == 0

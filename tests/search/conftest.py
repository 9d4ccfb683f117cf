import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _report_vendor(django_db_setup, django_db_blocker):
    """For the SQLite run started by test_contract_on_sqlite: say which database ran."""
    path = os.environ.get("SEARCH_CONTRACT_VENDOR_FILE")
    if path:
        from django.db import connection

        with open(path, "w") as out:
            out.write(connection.vendor)


@pytest.fixture
def notice_type():
    """The test app's ``Notice`` registered for search, for one test."""
    from search.registry import search_type_register, search_type_unregister
    from tests.search.notices import NOTICE_TYPE

    search_type_register(NOTICE_TYPE)
    yield NOTICE_TYPE
    search_type_unregister(NOTICE_TYPE.slug)

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

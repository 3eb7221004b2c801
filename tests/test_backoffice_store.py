"""Schema v6 (issue 13): a tariff's period and a client's active flag, added to an older store."""

from __future__ import annotations

import pytest

from carnet_tui.store import db as store
from carnet_tui.store.models import Client, Setting

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)

ADDED = (("tariff", "valid_from"), ("tariff", "valid_to"), ("client", "active"))


def columns(database, table: str) -> set[str]:
    return {c.name for c in database.get_columns(table)}


def test_a_v4_store_gains_the_back_office_columns(store_location):
    database = store.connect(store_location)
    database.execute_sql("INSERT INTO client (name, phone, beneficiary_type, note, created_at) "
                         "VALUES ('Ali', '', 'A', '', '2019-12-20 10:00:00')")
    for table, column in ADDED:
        database.execute_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
    Setting.update(value="4").where(Setting.key == "schema_version").execute()
    store.close()

    database = store.connect(store_location)
    assert store.schema_version(database) == store.SCHEMA_VERSION == 6
    for table, column in ADDED:
        assert column in columns(database, table)
    assert Client.get().active is True  # the clients there before are active
    store.close()


def test_migration_6_again_changes_nothing(store_location):
    database = store.connect(store_location)
    before = {t: columns(database, t) for t in ("tariff", "client")}
    store.MIGRATIONS[6](database)  # a store made by v1 at version 6 already has the columns
    assert {t: columns(database, t) for t in ("tariff", "client")} == before
    store.close()

"""Schema v6 (issue 13): a tariff's period and a client's active flag, added to an older store."""

from __future__ import annotations

import sqlite3

from carnet_tui.store import db as store
from carnet_tui.store.models import Client, Setting, Tariff


def columns(path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def test_a_v4_store_gains_the_back_office_columns(db_path):
    database = store.connect(str(db_path))
    database.execute_sql("INSERT INTO client (name, phone, beneficiary_type, note, created_at, active) "
                         "VALUES ('Ali', '', 'A', '', '2019-12-20 10:00:00', 1)")
    for table, column in (("tariff", "valid_from"), ("tariff", "valid_to"), ("client", "active")):
        database.execute_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
    Setting.update(value="4").where(Setting.key == "schema_version").execute()
    store.close()
    assert "active" not in columns(db_path, "client")

    database = store.connect(str(db_path))
    assert store.schema_version(database) == store.SCHEMA_VERSION == 6
    assert {"valid_from", "valid_to"} <= columns(db_path, "tariff")
    assert "active" in columns(db_path, "client")
    assert Client.get().active is True  # the clients there before are active
    assert Tariff.select().count() == 0
    store.close()


def test_migration_6_again_changes_nothing(db_path):
    database = store.connect(str(db_path))
    before = {t: columns(db_path, t) for t in ("tariff", "client")}
    store.MIGRATIONS[6](database)  # a store made by v1 at version 6 already has the columns
    assert {t: columns(db_path, t) for t in ("tariff", "client")} == before
    store.close()

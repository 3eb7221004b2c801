"""Opening the store: where it lives, the SQLite pragmas, the schema version and migrations."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from peewee import Database, DatabaseError, OperationalError, SqliteDatabase

from carnet_tui.domain.errors import DomainError
from carnet_tui.store import faults, models
from carnet_tui.store.location import (  # noqa: F401 (re-exported: callers know them from here)
    SCHEMA_VERSION,
    check_sqlite_file,
    create_file,
    default_db_path,
    resolve_location,
    sqlite_path,
)
from carnet_tui.store.models import Setting, database

BUSY_TIMEOUT_S = 15
# with a busy hook, SQLite waits this long at a time, so the hook hears of the lock while it lasts
BUSY_POLL_MS = 250
# WAL lets the cashier's reads go on during a write; FULL makes a paid sale survive a power cut.
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 2,  # FULL
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "cache_size": -16000,
}
T = TypeVar("T")


class FileStore(SqliteDatabase):
    """A SQLite file that stays the one first opened.

    Deleted or replaced under the running app (another device/inode at the path, or nothing), it is
    refused: before each write (``write``) and before a thread opens its own connection, which
    would otherwise create an empty ghost file at the path or read another one.
    """

    identity: tuple[str, int, int] | None = None  # (absolute path, st_dev, st_ino) once opened

    def _connect(self):  # type: ignore[no-untyped-def]
        self.check_same_file()
        conn = super()._connect()
        if self.identity is None and self.database != ":memory:":
            path = os.path.abspath(self.database)
            st = os.stat(path)
            self.identity = (path, st.st_dev, st.st_ino)
        return conn

    def check_same_file(self) -> None:
        if self.identity is None:
            return
        path, dev, ino = self.identity
        try:
            st = os.stat(path)
        except OSError:
            raise DomainError("err.db.gone", path=path) from None
        if (st.st_dev, st.st_ino) != (dev, ino):
            raise DomainError("err.db.gone", path=path)


def connect(location: str | None = None, *, create_folder: bool = False) -> Database:
    """Open (creating or upgrading) the store and bind the models to it."""
    location = resolve_location(location)
    path = sqlite_path(location)
    if path is not None:
        if location == str(default_db_path()):
            create_folder = True
        check_sqlite_file(path, create_folder)
        create_file(path)  # 0666 less the umask: a group-shared base (docs/DEPLOY.md)
        db: Database = FileStore(path, pragmas=PRAGMAS, lock_type="IMMEDIATE")
    else:
        from playhouse.db_url import connect as url_connect

        try:
            db = url_connect(location)
        except (RuntimeError, ValueError) as exc:
            raise DomainError("err.db.url", url=location) from exc
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        migrate(db)
    except OperationalError as exc:
        db.close()
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise DomainError("err.db.readonly", path=location) from exc
        raise
    return db


def schema_version(db: Database) -> int:
    if not db.table_exists("setting"):
        return 0
    row = Setting.get_or_none(Setting.key == "schema_version")
    return int(row.value) if row else 0


def _v1_tables(db: Database) -> None:
    db.create_tables(models.TABLES)
    if isinstance(db, SqliteDatabase):
        # rowid = client id; the text is folded (accents removed) by the service before indexing
        db.execute_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS client_fts USING fts5("
            "text, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
        )


def _v2_print_indexes(db: Database) -> None:
    # the start-up question "which carnets are unfinished?" must not scan every billet
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS billet_unsent ON billet(print_state) "
        "WHERE print_state != 'sent'"
    )


def _v3_print_leases(db: Database) -> None:
    # two desks, one carnet: the desk printing it holds a lease (services/print_lease.py)
    db.create_tables([models.PrintLease])


MIGRATIONS: dict[int, Callable[[Database], None]] = {
    1: _v1_tables,
    2: _v2_print_indexes,
    3: _v3_print_leases,
}


def migrate(db: Database) -> int:
    found = schema_version(db)
    if found > SCHEMA_VERSION:
        raise DomainError("err.db.newer", found=found, supported=SCHEMA_VERSION)
    if found == SCHEMA_VERSION:
        return found
    with db.atomic():
        found = schema_version(db)  # another desk may have migrated meanwhile
        for version in range(found + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](db)
        Setting.insert(key="schema_version", value=str(SCHEMA_VERSION)).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: str(SCHEMA_VERSION)}
        ).execute()
    return SCHEMA_VERSION


_busy = threading.local()  # the hook of the writes made by this thread (see busy_hook)


@contextmanager
def busy_hook(hook: Callable[[float], None] | None) -> Iterator[None]:
    """While inside, this thread's writes call ``hook(seconds waited)`` each time they find the
    database locked by another desk and are about to try again (the UI says "busy, retrying")."""
    previous = getattr(_busy, "hook", None)
    _busy.hook = hook
    try:
        yield
    finally:
        _busy.hook = previous
        polled = getattr(_busy, "polled", None)
        if previous is None and polled is not None:
            _busy.polled = None
            if not polled.is_closed():  # back to the long wait of the other writes
                polled.execute_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")


def _poll_when_busy(db: Database) -> int:
    """Short SQLite waits for a write with a busy hook; the extra attempts that keep the whole
    wait at least as long as without a hook."""
    if not isinstance(db, SqliteDatabase):
        return 0
    db.execute_sql(f"PRAGMA busy_timeout = {BUSY_POLL_MS}")
    _busy.polled = db
    return BUSY_TIMEOUT_S * 1000 // BUSY_POLL_MS


def write(fn: Callable[[], T], attempts: int = 8, on_busy: Callable[[float], None] | None = None) -> T:
    """Run ``fn`` in one IMMEDIATE transaction, retrying while another desk holds the lock.

    The busy timeout already waits; this outer retry covers the rare BUSY that SQLite returns
    at once (a WAL checkpoint race) so that "database is locked" never reaches the cashier.
    ``on_busy`` (or the thread's ``busy_hook``) hears of each retry while the lock lasts.
    Every other storage error (full disk, damaged file, I/O, read-only, file gone) is rolled back
    and becomes a French refusal, never a traceback.
    """
    if on_busy is not None:
        with busy_hook(on_busy):
            return write(fn, attempts)
    db = database.obj
    hook = getattr(_busy, "hook", None)
    if hook is not None:
        attempts += _poll_when_busy(db)
    started = time.monotonic()
    for attempt in range(attempts):
        try:
            with db.atomic():  # BEGIN IMMEDIATE: the database is opened with lock_type="IMMEDIATE"
                if isinstance(db, FileStore):
                    db.check_same_file()  # under the lock: nothing is written into a ghost
                return fn()
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            _settle(db)
            if faults.kind_of(exc) != "busy":
                # a full disk makes SQLite roll back by itself: peewee's own rollback then fails
                # with "cannot rollback"; the refusal names the first error, not that one
                raise faults.refusal(exc, str(db.database)) from exc
            if attempt == attempts - 1:
                raise DomainError("err.db.locked") from exc
            if hook is not None:
                hook(time.monotonic() - started)
            time.sleep(0.05 if hook is not None else 0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _settle(db: Database) -> None:
    """After a failed write, leave no transaction open on this thread's connection."""
    with contextlib.suppress(Exception):
        if not db.is_closed():
            conn = db.connection()
            if getattr(conn, "in_transaction", False):
                conn.rollback()


def close() -> None:
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()

"""Opening the store: where it lives, the SQLite pragmas, the schema version and migrations."""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from peewee import Database, OperationalError, PostgresqlDatabase, SqliteDatabase

from carnet_tui.domain.errors import DomainError
from carnet_tui.store import dialect, faults, models
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


# any constant: the key of the one write lock of a carnet database on a PostgreSQL server
WRITE_LOCK_KEY = 0x6361726E6574  # "carnet"
# how long a read waits for a server out of reach (restarting) before it is refused
READ_WAIT_S = 15
# how long a write waits for another desk's write before it says "busy" and tries again
PG_LOCK_WAIT_MS = 2000


class ServerStore(PostgresqlDatabase):
    """A PostgreSQL database where, like SQLite's BEGIN IMMEDIATE, one desk writes at a time.

    Every transaction (peewee's atomic(), not its savepoints) takes one advisory lock first, in
    READ COMMITTED. Why not SERIALIZABLE alone: the services were written against SQLite's single
    writer (check the sale is open, then add a line; read the counter, then number the carnets),
    and under SSI every pair of desks paying at once would conflict on the sale counter and be
    retried; with the lock, each write sees every earlier commit (a statement's snapshot is taken
    after the lock is granted), writes are a few milliseconds, and reads never wait (MVCC). A lock
    wait over ``lock_timeout``, a deadlock or a serialization failure (a write made outside
    ``store.write``) is retried by ``store.write`` like SQLite's "database is locked".
    """

    def begin(self, isolation_level=None):  # type: ignore[no-untyped-def]
        super().begin(isolation_level)
        wait = PG_LOCK_WAIT_MS if getattr(_busy, "hook", None) is None else BUSY_POLL_MS
        self.cursor().execute(f"SET LOCAL lock_timeout = {int(wait)}")
        self.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))

    def execute_sql(self, sql, params=None):  # type: ignore[no-untyped-def]
        """A read outside a transaction whose connection was lost (the server restarted) is run
        again on a new connection while the server comes back (``READ_WAIT_S``); the thread's busy
        hook hears of it; past that, a French refusal. Nothing was written: running it again is safe.
        Inside a transaction the error goes up to ``store.write``, which runs it all again."""
        started = time.monotonic()
        while True:
            try:
                return super().execute_sql(sql, params)
            except Exception as exc:
                lost = faults.is_storage_error(exc) and faults.kind_of(exc) == "unreachable"
                if self.in_transaction() or not lost:
                    raise
                with contextlib.suppress(Exception):
                    self.close()
                waited = time.monotonic() - started
                if waited > READ_WAIT_S:
                    raise faults.refusal(exc, _shown(self.database)) from exc
                _busy.waiting = "unreachable"
                hook = getattr(_busy, "hook", None)
                if hook is not None:
                    hook(waited)
                time.sleep(0.25)


def open_server(location: str) -> Database:
    """A PostgreSQL URL (``postgresql://user:password@host:port/name``, ``?host=/socket/folder``)."""
    from urllib.parse import urlsplit

    if urlsplit(location).scheme not in ("postgresql", "postgres"):
        raise DomainError("err.db.url", url=_shown(location))
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise DomainError("err.db.driver", url=_shown(location)) from exc
    # the whole URL goes to libpq (peewee hands it over as is); autoconnect: a lost connection is
    # opened again at the next query (the server restarted)
    return ServerStore("postgresql://" + location.split("://", 1)[1], connect_timeout=5,
                       application_name="carnet-tui")


def open_location(location: str, *, create_folder: bool = False) -> Database:
    """The store at ``location`` (a SQLite file or a server URL), not yet connected nor bound."""
    path = sqlite_path(location)
    if path is None:
        return open_server(location)
    if location == str(default_db_path()):
        create_folder = True
    check_sqlite_file(path, create_folder)
    create_file(path)  # 0666 less the umask: a group-shared base (docs/DEPLOY.md)
    return FileStore(path, pragmas=PRAGMAS, lock_type="IMMEDIATE")


def connect(location: str | None = None, *, create_folder: bool = False) -> Database:
    """Open (creating or upgrading) the store and bind the models to it."""
    location = resolve_location(location)
    db = open_location(location, create_folder=create_folder)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        migrate(db)
    except OperationalError as exc:
        db.close()
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise DomainError("err.db.readonly", path=location) from exc
        if faults.kind_of(exc) == "unreachable":
            detail = faults.detail_of(exc)
            raise DomainError("err.db.unreachable", path=_shown(location), detail=detail) from exc
        raise
    return db


def _shown(location: str) -> str:
    """A URL as it may be shown: its password replaced."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", location)


def schema_version(db: Database) -> int:
    if not db.table_exists("setting"):
        return 0
    row = Setting.get_or_none(Setting.key == "schema_version")
    return int(row.value) if row else 0


def _v1_tables(db: Database) -> None:
    db.create_tables(models.TABLES)
    dialect.of(db).create_search(db)


def _v2_print_indexes(db: Database) -> None:
    # the start-up question "which carnets are unfinished?" must not scan every billet
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS billet_unsent ON billet(print_state) "
        "WHERE print_state != 'sent'"
    )


def _v3_print_leases(db: Database) -> None:
    # two desks, one carnet: the desk printing it holds a lease (services/print_lease.py)
    db.create_tables([models.PrintLease])


def _v4_day_at_the_counter(db: Database) -> None:
    # users, till sessions, cash movements, Z reports and the journal (issue 10); the columns that
    # tie a payment to its session and a void or reprint to its approver. A store made by v1 at
    # this version already has them: each step is skipped when done.
    from playhouse.migrate import SchemaMigrator
    from playhouse.migrate import migrate as run_migration

    db.create_tables([models.User, models.TillSession, models.CashMovement, models.ZReport,
                      models.JournalEntry])
    migrator = SchemaMigrator.from_database(db)
    wanted = [
        ("sale", "desk", models.Sale.desk),
        ("payment", "session_id", models.Payment.session),
        ("void", "approved_by", models.Void.approved_by),
        ("reprint_log", "approved_by", models.ReprintLog.approved_by),
    ]
    for table, column, field in wanted:
        if column not in {c.name for c in db.get_columns(table)}:
            run_migration(migrator.add_column(table, column, field))
    db.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS till_session_one_open ON till_session(desk) "
                   "WHERE status = 'open'")
    db.execute_sql("CREATE INDEX IF NOT EXISTS payment_session ON payment(session_id)")


def _v5_door(db: Database) -> None:
    # the venue's QR keys and the entries at the door (issue 11); one entry a billet, by constraint
    db.create_tables([models.DoorKey, models.Entry])  # IF NOT EXISTS: v1 at this version made them
    if not models.DoorKey.select().exists():
        # the venue's first QR key, made with the store: billets are signed from the first print on
        # (never under a print's own transaction); `carnet-tui key rotate` makes the next ones
        from carnet_tui.domain.door import SECRET_BYTES, next_letter

        models.DoorKey.create(letter=next_letter(set()), secret=os.urandom(SECRET_BYTES).hex())
def _v6_back_office(db: Database) -> None:
    # the manager's back office (issue 13): a tariff's period, a client's active flag. A store made
    # by v1 at this version already has them: each column is added only when missing.
    from playhouse.migrate import SchemaMigrator
    from playhouse.migrate import migrate as run_migration

    migrator = SchemaMigrator.from_database(db)
    wanted = [
        ("tariff", "valid_from", models.Tariff.valid_from),
        ("tariff", "valid_to", models.Tariff.valid_to),
        ("client", "active", models.Client.active),
    ]
    for table, column, field in wanted:
        if column not in {c.name for c in db.get_columns(table)}:
            run_migration(migrator.add_column(table, column, field))


MIGRATIONS: dict[int, Callable[[Database], None]] = {
    1: _v1_tables,
    2: _v2_print_indexes,
    3: _v3_print_leases,
    4: _v4_day_at_the_counter,
    5: _v5_door,
    6: _v6_back_office,
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
    """Short waits for a write with a busy hook; the extra attempts that keep the whole wait at
    least as long as without a hook."""
    if isinstance(db, SqliteDatabase):
        db.execute_sql(f"PRAGMA busy_timeout = {BUSY_POLL_MS}")
        _busy.polled = db
    # (on PostgreSQL ServerStore.begin sets a short lock_timeout while a hook is set)
    return BUSY_TIMEOUT_S * 1000 // BUSY_POLL_MS


# a server restarting takes seconds: a write waits this long for it before it is refused
UNREACHABLE_WAIT_S = 60


def waiting_for() -> str:
    """What this thread's write is waiting for, for the busy hook's words: busy | unreachable."""
    return getattr(_busy, "waiting", "busy")


def write(fn: Callable[[], T], attempts: int = 8, on_busy: Callable[[float], None] | None = None) -> T:
    """Run ``fn`` in one write transaction, retrying while another desk holds the lock.

    SQLite: BEGIN IMMEDIATE; the busy timeout already waits; this outer retry covers the rare BUSY
    that SQLite returns at once (a WAL checkpoint race) so that "database is locked" never reaches
    the cashier. PostgreSQL: ``ServerStore.begin``; lock waits, deadlocks and serialization
    failures are retried the same way, and a server out of reach (restarting) is waited for, the
    connection opened again, up to ``UNREACHABLE_WAIT_S``: the transaction either committed whole
    or not at all, so running ``fn`` again is safe.
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
    attempt = 0
    _busy.waiting = "busy"
    while True:
        try:
            with db.atomic():  # BEGIN IMMEDIATE (SQLite) or BEGIN + the write lock (ServerStore)
                if dialect.of(db).file_checks and isinstance(db, FileStore):
                    db.check_same_file()  # under the lock: nothing is written into a ghost
                return fn()
        except DomainError:
            raise
        except Exception as exc:
            if not faults.is_storage_error(exc):
                raise
            _settle(db)
            kind = faults.kind_of(exc)
            waited = time.monotonic() - started
            if kind == "unreachable":
                _busy.waiting = "unreachable"
                with contextlib.suppress(Exception):
                    db.close()  # the next attempt connects again
                if waited > UNREACHABLE_WAIT_S:
                    raise faults.refusal(exc, _shown(str(db.database))) from exc
                if hook is not None:
                    hook(waited)
                time.sleep(0.5)
                continue
            if kind != "busy":
                # a full disk makes SQLite roll back by itself: peewee's own rollback then fails
                # with "cannot rollback"; the refusal names the first error, not that one
                raise faults.refusal(exc, _shown(str(db.database))) from exc
            attempt += 1
            if attempt >= attempts:
                raise DomainError("err.db.locked") from exc
            _busy.waiting = "busy"
            if hook is not None:
                hook(waited)
            time.sleep(0.05 if hook is not None else 0.05 * attempt)


def _settle(db: Database) -> None:
    """After a failed write, leave no transaction open on this thread's connection."""
    with contextlib.suppress(Exception):
        if not db.is_closed():
            conn = db.connection()
            if getattr(conn, "in_transaction", False):
                conn.rollback()
            info = getattr(conn, "info", None)  # psycopg: idle, or a transaction left open
            if info is not None and int(info.transaction_status) != 0:
                conn.rollback()


def close() -> None:
    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()

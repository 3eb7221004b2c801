"""Storage faults, told apart and said in French: what a SQLite error means for the cashier.

peewee wraps sqlite3's errors (the original is its first argument and its ``__context__``), a
failed rollback hides the error that caused it ("cannot rollback - no transaction is active"
after SQLite already rolled back on a full disk), and rows fetched lazily raise sqlite3's own
classes unwrapped. So the whole chain is read, by SQLite's error name first (Python 3.11 gives it),
by its English words only where no name is known. No peewee import: the CLI and the UI use this too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from carnet_tui.domain.errors import DomainError

# kind -> text key; "busy" is retried by store.write and only said when retries run out
KEYS = {
    "busy": "err.db.locked",
    "unreachable": "err.db.unreachable",
    "full": "err.db.full",
    "damaged": "err.db.damaged",
    "io": "err.db.io",
    "readonly": "err.db.readonly",
    "gone": "err.db.gone",
    "other": "err.db.failed",
}

_BY_NAME = (  # SQLite's (extended) result code names, most specific first
    ("SQLITE_READONLY_DBMOVED", "gone"),
    ("SQLITE_BUSY", "busy"),
    ("SQLITE_LOCKED", "busy"),
    ("SQLITE_FULL", "full"),
    ("SQLITE_CORRUPT", "damaged"),
    ("SQLITE_NOTADB", "damaged"),
    ("SQLITE_IOERR", "io"),
    ("SQLITE_READONLY", "readonly"),
    ("SQLITE_PERM", "readonly"),
    ("SQLITE_CANTOPEN", "gone"),
)
# PostgreSQL's SQLSTATE codes (psycopg errors carry ``sqlstate``): what means "try again"
_BY_SQLSTATE = (
    ("40001", "busy"),  # serialization_failure
    ("40P01", "busy"),  # deadlock_detected
    ("55P03", "busy"),  # lock_not_available (lock_timeout)
    ("57014", "busy"),  # query_canceled (statement_timeout)
    ("57P01", "unreachable"),  # admin_shutdown: the server is being stopped or restarted
    ("57P02", "unreachable"),  # crash_shutdown
    ("57P03", "unreachable"),  # cannot_connect_now: the server is starting
    ("08", "unreachable"),  # connection exceptions
    ("53100", "full"),  # disk_full
    ("53", "other"),  # insufficient resources
    ("XX001", "damaged"),  # data_corrupted
    ("58", "io"),  # system error (I/O)
    ("25006", "readonly"),  # read_only_sql_transaction (a standby)
    ("42P01", "gone"),  # undefined_table
)
# libpq's words for a connection lost or never made (no SQLSTATE comes with them)
_SERVER_WORDS = (
    "connection failed",
    "server closed the connection",
    "connection is lost",
    "connection is closed",
    "connection already closed",
    "could not connect",
    "connection refused",
    "terminating connection",
    "no such file or directory",  # the socket is gone while the server restarts
    "consuming input failed",
    "ssl syscall error",
    "the database system is",  # starting up / shutting down
)
_BY_WORDS = (
    ("database is locked", "busy"),
    ("database table is locked", "busy"),
    ("busy", "busy"),
    ("database or disk is full", "full"),
    ("malformed", "damaged"),
    ("not a database", "damaged"),
    ("corrupt", "damaged"),
    ("disk i/o error", "io"),
    ("readonly database", "readonly"),
    ("read-only", "readonly"),
    ("no such table", "gone"),  # the file at the path is not ours any more
    ("unable to open database file", "gone"),
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen or len(seen) > 20:
            continue
        seen.add(id(current))
        yield current
        wrapped = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        held = getattr(current, "error", None)  # Textual's WorkerFailed holds the worker's error
        held = held if isinstance(held, BaseException) else None
        todo.extend(e for e in (wrapped, held, current.__cause__, current.__context__) if e is not None)


def is_storage_error(exc: BaseException) -> bool:
    """A database error of sqlite3 or peewee (never imported here just to be able to ask)."""
    import sys

    peewee = sys.modules.get("peewee")
    for e in _chain(exc):
        if isinstance(e, sqlite3.DatabaseError):
            return True
        if peewee is not None and isinstance(e, (peewee.DatabaseError, peewee.InterfaceError)):
            return True
        if type(e).__module__.startswith("psycopg"):
            return True
    return False


def kind_of(exc: BaseException) -> str:
    """busy | full | damaged | io | readonly | gone | other (the chain's most telling error)."""
    chain = [e for e in _chain(exc) if "cannot rollback" not in str(e)]
    for e in chain:
        code = getattr(e, "sqlstate", None)
        if isinstance(code, str):
            for prefix, kind in _BY_SQLSTATE:
                if code.startswith(prefix):
                    return kind
    for e in chain:
        if type(e).__module__.startswith("psycopg"):
            words = str(e).lower()
            if any(needle in words for needle in _SERVER_WORDS):
                return "unreachable"
    for e in chain:
        name = getattr(e, "sqlite_errorname", None)
        if isinstance(name, str):
            for prefix, kind in _BY_NAME:
                if name.startswith(prefix):
                    return kind
    for e in chain:
        words = str(e).lower()
        for needle, kind in _BY_WORDS:
            if needle in words:
                return kind
    return "other"


def detail_of(exc: BaseException) -> str:
    """SQLite's own words of the error that caused it all (not the failed rollback that followed)."""
    for e in _chain(exc):
        text = str(e).strip()
        if text and "cannot rollback" not in text:
            return text.splitlines()[-1]
    return type(exc).__name__


def refusal(exc: BaseException, path: str = "") -> DomainError:
    """The French refusal for a storage error (a DomainError in the chain is kept as it is)."""
    for e in _chain(exc):
        if isinstance(e, DomainError):
            return e
    kind = kind_of(exc)
    return DomainError(KEYS[kind], path=path or _bound_path(), detail=detail_of(exc))


def _bound_path() -> str:
    """The file the store is bound to, for the words (never imports the store just to ask)."""
    import sys

    models = sys.modules.get("carnet_tui.store.models")
    bound = getattr(getattr(models, "database", None), "obj", None)
    return str(getattr(bound, "database", "") or "")

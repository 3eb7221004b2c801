"""Where the store lives and whether it can be opened, answered without peewee.

Kept apart from ``db.py`` so that the counter can refuse a bad file before its first frame while
peewee is imported only afterwards (it is a good part of the start-up time).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path

from carnet_tui.domain.errors import DomainError

SCHEMA_VERSION = 6


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("carnet-tui", appauthor=False)) / "carnet.db"


def resolve_location(location: str | None) -> str:
    """``--db`` wins, then ``CARNET_DB``, then the user's data folder."""
    return location or os.environ.get("CARNET_DB") or str(default_db_path())


def sqlite_path(location: str) -> str | None:
    """The file behind a SQLite location, or None for a server URL."""
    if location.startswith("sqlite:///"):
        return location[len("sqlite:///") :]
    if "://" in location:
        return None
    return location


def check_sqlite_file(path: str, create_folder: bool) -> None:
    if path == ":memory:":
        return
    folder = Path(path).expanduser().resolve().parent
    if not folder.is_dir():
        if not create_folder:
            raise DomainError("err.db.missing_folder", path=str(folder))
        folder.mkdir(parents=True, exist_ok=True)
    file = Path(path)
    # root may write anything: honour the file's write bits all the same, they are the manager's word
    if file.exists() and not (file.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)):
        raise DomainError("err.db.readonly", path=path)
    if file.exists() and not os.access(path, os.W_OK):
        raise DomainError("err.db.readonly", path=path)
    if not file.exists() and not os.access(folder, os.W_OK):
        raise DomainError("err.db.readonly", path=str(folder))
    if file.exists() and not os.access(folder, os.W_OK):
        # SQLite's WAL journal is a file beside the base: a writable base in a closed folder would
        # open the screen, then fail at the first write ("attempt to write a readonly database")
        raise DomainError("err.db.folder_readonly", path=path, folder=str(folder))
    refuse_foreign(path)


def create_file(path: str) -> None:
    """Create a new base file with the account's umask: SQLite alone makes it 0644 whatever the umask
    (and its WAL files copy that mode), so a group of cashiers (umask 007) could not share it."""
    if path == ":memory:" or Path(path).exists():
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666))


def foreign_tables(path: str) -> list[str]:
    """The tables of another application in an existing SQLite file (none: empty, or ours).

    Ours has a schema version in its ``setting`` table; a file with tables and no version is some
    other program's, and creating the carnet tables in it would damage that program's data.
    A file that is not SQLite at all is left to the opening to refuse.
    """
    file = Path(path)
    if path == ":memory:" or not file.is_file() or file.stat().st_size == 0:
        return []
    try:
        with contextlib.closing(sqlite3.connect(f"file:{file.resolve()}?mode=ro", uri=True)) as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                    "ORDER BY name"
                )
            ]
            if not names:
                return []
            if "setting" in names and conn.execute(
                "SELECT 1 FROM setting WHERE key = 'schema_version'"
            ).fetchone():
                return []
    except sqlite3.DatabaseError:
        return []
    return names


def refuse_foreign(path: str) -> None:
    names = foreign_tables(path)
    if names:
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        raise DomainError("err.db.foreign", path=path, tables=shown)


def active_pin_hashes(path: str) -> list[tuple[str, str]]:
    """The active users' names and PIN hashes, by name as the sign-in screen lists them; read-only,
    without peewee (a PIN typed ahead is checked while the app starts: services/pin_ahead.py)."""
    with contextlib.closing(sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)) as conn:
        return conn.execute('SELECT name, pin_hash FROM "user" WHERE active ORDER BY name').fetchall()


def precheck(location: str) -> None:
    """Refuse a missing folder or file (the default one aside), a read-only file, a non-database,
    another application's database or a newer schema; write nothing."""
    path = sqlite_path(location)
    if path is None:
        return  # a server: only connecting tells
    default = location == str(default_db_path())
    check_sqlite_file(path, create_folder=default)
    if path == ":memory:":
        return
    if not Path(path).exists():
        if default:
            return  # the first start on this machine: created and filled with the demo data
        # a mistyped --db must not open an empty counter (nor one filled with demo data)
        raise DomainError("err.db.not_found", path=path)
    try:
        with sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True) as conn:
            has_settings = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'setting'"
            ).fetchone()
            row = has_settings and conn.execute(
                "SELECT value FROM setting WHERE key = 'schema_version'"
            ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise DomainError("err.db.open", location=location, detail=str(exc)) from exc
    found = int(row[0]) if row else 0
    if found > SCHEMA_VERSION:
        raise DomainError("err.db.newer", found=found, supported=SCHEMA_VERSION)

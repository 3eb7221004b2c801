"""peewee for a counter whose store is a SQLite file: without the PostgreSQL driver.

peewee imports every database driver it can find when it is itself imported; psycopg, installed
with the ``postgresql`` extra, took 115–180 ms of that import on the bench machine, paid at each
login of a cashier whose store is a file. A counter opens one store per process, so when that store
is a file the driver is hidden from peewee's import. Nothing else is changed; other commands (``copy``
to a server, a server store) import peewee as usual.
"""

from __future__ import annotations

import sys


def import_peewee() -> None:
    """Import peewee now, with psycopg seen as absent (for that import only)."""
    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return  # too late, or already paid for: nothing to save
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` raises ImportError
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]

"""Another desk, as a real second process: it takes the database's write lock and keeps it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")  # the write lock, as a desk in the middle of a payment holds it
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
print("released", flush=True)
"""


@contextmanager
def lock_held(db_path: str | Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """A process holding ``BEGIN IMMEDIATE`` on ``db_path`` for ``seconds``; entered once it holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(db_path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        if holder.poll() is None:
            holder.wait(timeout=seconds + 30)
        assert holder.returncode == 0

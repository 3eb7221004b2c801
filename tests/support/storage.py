"""Storage faults made real: a small tmpfs that fills up, damaged pages, a file that goes away."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

PAGE = 4096


@contextlib.contextmanager
def small_disk(size: str = "3m") -> Iterator[Path | str]:
    """A tmpfs of ``size`` mounted for the test; yields the folder, or the reason it cannot be."""
    folder = Path(tempfile.mkdtemp(prefix="carnet-small-disk-"))
    if os.geteuid() != 0:
        yield "mounting a tmpfs needs root (mount -t tmpfs); not root here"
        folder.rmdir()
        return
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if done.returncode != 0:
        yield f"mount -t tmpfs refused on this machine: {done.stderr.strip()}"
        folder.rmdir()
        return
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        with contextlib.suppress(OSError):
            folder.rmdir()


def fill_disk(folder: Path) -> Path:
    """Write a filler file until the disk says ENOSPC; returns it (delete it to free the space)."""
    filler = folder / "filler.bin"
    block = b"\0" * 65536
    with open(filler, "wb", buffering=0) as out:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    out.write(block[:size])
            except OSError:
                continue
    return filler


def damage_middle(path: Path, fraction: float = 0.5) -> int:
    """Overwrite the middle ``fraction`` of the file's pages with garbage; returns pages damaged."""
    pages = path.stat().st_size // PAGE
    first = int(pages * (1 - fraction) / 2)
    count = max(1, int(pages * fraction))
    with open(path, "r+b") as out:
        for page in range(first, first + count):
            out.seek(page * PAGE)
            out.write(bytes((page * 7 + i) % 251 for i in range(PAGE)))
        os.fsync(out.fileno())
    return count


def damage_table(path: Path, table: str) -> None:
    """Overwrite the root page of ``table`` (the file must be checkpointed: no open connection)."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    with open(path, "r+b") as out:
        out.seek((root - 1) * PAGE)
        out.write(bytes((root * 13 + i) % 253 for i in range(PAGE)))
        os.fsync(out.fileno())


def integrity(path: Path) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def rows(path: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

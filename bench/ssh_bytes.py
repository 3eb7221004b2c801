"""Bytes the app writes to the terminal per character typed in the client search (the SSH cost).

The real app runs in a pseudo-terminal of 80×24 that this script owns, as over SSH: after the
first frame and Alt+A, ten characters are typed one at a time; after each, everything the app
writes until it has been quiet for a while is counted. Then the screen is left idle to check
that nothing at all is sent (no blinking cursor, no animation).

    .venv/bin/python -m bench.ssh_bytes [--term linux] [--db path/to/store.db]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import tempfile
import termios
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TYPED = "mohamed be"  # ten characters, each one a new search
QUIET_S = 0.6  # the app is done answering a key when it has written nothing for this long
KEY_TIMEOUT_S = 8.0
IDLE_S = 3.0

# the child: open (or fill) the store, then the real app, exactly as the CLI does
_CHILD = """
import sys
from pathlib import Path
import dataclasses
from carnet_tui.store import db
from carnet_tui.services import demo
from carnet_tui import settings as S
from carnet_tui.ui.app import run_app
location, data_dir = sys.argv[1], sys.argv[2]
db.connect(location)
demo.load_demo()
from carnet_tui.services import people, till
if not people.list_users():  # a cashier to sign in as (bench/signin_bench.py), the till open
    people.add_user("caisse-bench", "caissier", "1234")
ctx = people.sign_in("caisse-bench", "1234", S.CounterSettings().desk)
if ctx.session_id is None:
    till.open_till(ctx, {})
run_app(dataclasses.replace(S.Settings(db=location), data_dir=Path(data_dir)))
"""


@dataclass
class Measure:
    term: str
    startup_bytes: int = 0
    open_window_bytes: int = 0
    per_key: list[int] = field(default_factory=list)
    idle_bytes: int = 0
    idle_seconds: float = IDLE_S

    @property
    def mean(self) -> float:
        return sum(self.per_key) / len(self.per_key) if self.per_key else float("nan")


def _read_until_quiet(fd: int, quiet: float = QUIET_S, timeout: float = KEY_TIMEOUT_S) -> bytes:
    """Everything written until nothing came for ``quiet`` seconds (or ``timeout`` in all)."""
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            break
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child is gone
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def _spawn(db: str, data_dir: str, term: str) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # child: the pty is our terminal
        os.environ.update(TERM=term, CARNET_CONFIG=os.path.join(data_dir, "none.toml"),
                          CARNET_DATA_DIR=data_dir, TEXTUAL_ANIMATIONS="none")
        os.environ.pop("COLORTERM", None)
        os.chdir(REPO)
        os.execv(sys.executable, [sys.executable, "-c", _CHILD, db, data_dir])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return pid, fd


def measure(db: str | None = None, term: str = "xterm-256color", typed: str = TYPED) -> Measure:
    """Run the app in an 80×24 pty and count the bytes per typed character."""
    with tempfile.TemporaryDirectory(prefix="ssh-bytes-") as folder:
        location = db or str(Path(folder) / "carnet.db")
        pid, fd = _spawn(location, folder, term)
        result = Measure(term=term)
        try:
            result.startup_bytes = len(_read_until_quiet(fd, quiet=1.5, timeout=30))
            os.write(fd, b"1234\r")  # the sign-in (bench/signin_bench.py's cashier)
            result.startup_bytes += len(_read_until_quiet(fd, quiet=1.0, timeout=15))
            os.write(fd, b"\x1ba")  # Alt+A: the sale window, focus in the client search
            result.open_window_bytes = len(_read_until_quiet(fd, quiet=1.0, timeout=15))
            for char in typed:
                os.write(fd, char.encode())
                result.per_key.append(len(_read_until_quiet(fd)))
            result.idle_bytes = len(_read_until_quiet(fd, quiet=IDLE_S, timeout=IDLE_S))
            os.write(fd, b"\x11")  # Ctrl+Q
            _read_until_quiet(fd, quiet=1.0, timeout=5)
        finally:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            os.close(fd)
        return result


def measure_ssh_bytes_per_keystroke(db: str | None = None) -> float:
    """Mean bytes written to the terminal per character typed in #client-search (xterm-256color)."""
    return measure(db).mean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--term", default="xterm-256color")
    parser.add_argument("--db", default=None, help="an existing store (default: a new one with demo data)")
    args = parser.parse_args()
    result = measure(args.db, args.term)
    print(json.dumps({**asdict(result), "mean_per_key": round(result.mean, 1)}, indent=2))


if __name__ == "__main__":
    main()

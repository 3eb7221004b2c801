"""The real program on a real pseudo-terminal: keys written as a terminal or SSH delivers them, the
bytes the program draws read back continuously (a pty that is not read blocks the program).

Used by the terminal tests (signals, hang-up, typed-ahead keys). Nothing of ours is replaced: the
child is ``python -m carnet_tui`` or a small script, with the environment the test gives.
"""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# what a terminal sends (xterm and the Linux console agree on these)
ALT_A = b"\x1ba"
TAB = b"\t"
ENTER = b"\r"
F2 = b"\x1bOQ"
F4 = b"\x1bOS"
F5 = b"\x1b[15~"
F6 = b"\x1b[17~"
F7 = b"\x1b[18~"
CTRL_Q = b"\x11"
# the sequences that leave the alternate screen and turn mouse reporting off
LEAVE_ALT_SCREEN = b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"
SHOW_CURSOR = b"\x1b[?25h"


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No settings, data folder or database of the user leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARNET_", "TEXTUAL"))}
    env["CARNET_CONFIG"] = str(tmp_path / "absent-config.toml")
    env["CARNET_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra)
    return env


class Terminal:
    """A child process on the slave side of a pty; this object holds the master side."""

    def __init__(self, argv: list[str], env: dict[str, str], term: str = "xterm-256color",
                 size: tuple[int, int] = (24, 80), stdin_pipe: bool = False) -> None:
        """``stdin_pipe``: keys come through a pipe (``self.stdin``), the screen still goes to the pty:
        what ``ssh -T`` gives, and how an end of input is made."""
        env = {**env, "TERM": term}
        read_end, self.stdin = os.pipe() if stdin_pipe else (-1, -1)
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                os.chdir(REPO)
                if stdin_pipe:
                    os.dup2(read_end, 0)
                    os.close(read_end)
                    os.close(self.stdin)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        if stdin_pipe:
            os.close(read_end)
        self.pid, self.fd = pid, fd
        self.rusage: object | None = None  # the child's resource use, once it has ended
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
        self.output = bytearray()
        self._lock = threading.Lock()
        self._closed = False
        self.status: int | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def carnet(cls, args: list[str], env: dict[str, str], **kwargs) -> Terminal:
        return cls([sys.executable, "-m", "carnet_tui", *args], env, **kwargs)

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the child side is gone, or we closed the master
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def bytes(self) -> bytes:
        with self._lock:
            return bytes(self.output)

    def mark(self) -> int:
        """A position in the output: ``since(mark)`` is what was drawn after it."""
        with self._lock:
            return len(self.output)

    def since(self, mark: int) -> bytes:
        with self._lock:
            return bytes(self.output[mark:])

    def write(self, data: bytes) -> None:
        os.write(self.fd, data)

    def type_spaced(self, keys: list[bytes], interval: float) -> None:
        """One key at a time, ``interval`` seconds apart: a practised cashier or a slow link."""
        for key in keys:
            self.write(key)
            time.sleep(interval)

    def wait_for(self, predicate: Callable[[], bool], limit: float = 60.0, what: str = "") -> None:
        """Poll ``predicate``; ``limit`` is a hang guard, not a speed assertion."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if predicate():
                return
            if self.exited():
                if predicate():
                    return
                raise AssertionError(f"the program ended before {what or 'the condition'}: "
                                     f"{self.bytes()[-1500:]!r}")
            time.sleep(0.05)
        raise AssertionError(f"never got {what or 'there'}: {self.bytes()[-1500:]!r}")

    def wait_for_text(self, text: bytes, after: int = 0, limit: float = 60.0) -> None:
        self.wait_for(lambda: text in self.since(after), limit, repr(text))

    def exited(self) -> bool:
        if self.status is None:
            pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.status, self.rusage = status, rusage
        return self.status is not None

    def cpu_used(self) -> float:
        """CPU seconds (user + system) the ended child used in all."""
        assert self.rusage is not None, "the child has not ended"
        return self.rusage.ru_utime + self.rusage.ru_stime  # type: ignore[attr-defined]

    def wait_exit(self, limit: float) -> int | None:
        """The exit code once the child ended within ``limit`` seconds, else None (still running)."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if self.exited():
                self._reader.join(2)
                return os.waitstatus_to_exitcode(self.status or 0)
            time.sleep(0.05)
        return None

    def cpu_seconds(self) -> float:
        """User + system CPU time the running child has used so far (from /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close_stdin(self) -> None:
        """End of input (with ``stdin_pipe``): what the app reads when an ``ssh -T`` link drops."""
        os.close(self.stdin)
        self.stdin = -1

    def close_master(self) -> None:
        """The terminal goes away (SSH connection dropped, terminal window closed)."""
        if not self._closed:
            self._closed = True
            os.close(self.fd)

    def kill(self, sig: int = signal.SIGTERM) -> None:
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        """Test teardown: the child never outlives the test."""
        if not self.exited():
            self.kill(signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.status = 0
        self.close_master()
        if self.stdin >= 0:
            try:
                os.close(self.stdin)
            except OSError:
                pass


def billets_sent(db: Path | str) -> int:
    """Billets the journal says were sent. Waiting on the store, not on words on the screen: the
    lean wire sends only the cells that changed, so a message may never reach the pty in one piece."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM billet WHERE print_state = 'sent'").fetchone()[0]


def sale_status(db: Path | str) -> str | None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT status FROM sale ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else None


def settled(term: Terminal, quiet: float = 0.5, limit: float = 30.0) -> None:
    """Wait until nothing has been drawn for ``quiet`` seconds: the screen is ready for the next key."""
    end = time.monotonic() + limit
    seen, since = term.mark(), time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.05)
        now = term.mark()
        if now != seen:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
    raise AssertionError("the screen never settled")


def sell(term: Terminal, db: Path | str, sign_in_keys: bytes, first_screen_limit: float = 60.0) -> None:
    """The manual's sale typed key by key on a signed-out counter: sign in, Alt+A, search
    "mohamed benn", the carnet's tariff and quantity 2, F4 12000, F6 Oui Oui; returns once the
    journal says the 30 billets were sent.

    Each key is typed once the screen that takes it is drawn and has settled: the app ignores keys
    typed before a question appears, as a cashier would see it. ``sign_in_keys`` come from the
    caller (``support.day.SIGN_IN_KEYS``) so that this module keeps no store knowledge."""
    term.wait_for_text(b"Identification", limit=first_screen_limit)  # the sign-in
    steps: list[tuple[bytes, bytes]] = [  # (keys, what the next screen shows)
        (sign_in_keys, b"Alt+A"),  # the home screen
        (ALT_A, b"Liste des Carnets"),
        (b"mohamed benn", b"Bennani"),
        (TAB * 4 + b"2" + F4, "Reçu".encode()),
        (b"12000" + ENTER, "Réglé".encode()),
        (F6, b"Imprimer les billets du carnet"),
        (b"o", b"A (15 billets)"),  # the second carnet's question
    ]
    for keys, shown in steps:
        mark = term.mark()
        settled(term)
        term.write(keys)
        term.wait_for_text(shown, after=mark)
    settled(term)
    term.write(b"o")
    term.wait_for(lambda: billets_sent(db) == 30, limit=60, what="30 billets sent")

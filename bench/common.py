"""What the benchmarks share: the 100 000-client store (built once per run), percentiles, a pty."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

CLIENTS = 100_000
REPO = Path(__file__).resolve().parents[1]


class Missing(Exception):
    """A part the benchmark needs is not there (yet): the figure is null, with this note."""


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


@dataclass
class Workspace:
    """A temporary folder for one run: the 100k store is built the first time it is asked for."""

    folder: Path
    notes: dict[str, str] = field(default_factory=dict)
    cache: dict[str, dict[str, float]] = field(default_factory=dict)  # figures measured together
    _big: Path | None = None

    def __post_init__(self) -> None:
        # compiled as a deployment is (docs/DEPLOY.md runs compileall after installing): where
        # PYTHONDONTWRITEBYTECODE is set (this machine's shells), a clone's launches would each
        # compile every module from source, 100 ms and more that no counter pays
        import compileall

        compileall.compile_dir(str(REPO / "carnet_tui"), quiet=1)

    def big_store(self) -> Path:
        """The demo catalog, then synthetic clients up to 100 000, through the documented CLI."""
        if self._big is None:
            path = self.folder / "clients-100k.db"
            env = self.env()
            cli = [sys.executable, "-m", "carnet_tui", "--db", str(path)]
            started = time.perf_counter()
            subprocess.run([*cli, "init", "--demo"], check=True, env=env, capture_output=True, cwd=REPO)
            from bench.signin_bench import ready_counter

            ready_counter(path, env)  # the cashier the benches sign in as; the desk's till open
            count = _client_count(path)
            if count < CLIENTS:
                subprocess.run(
                    [*cli, "demo-clients", "--count", str(CLIENTS - count)],
                    check=True, env=env, capture_output=True, cwd=REPO,
                )
            self.notes["store"] = (
                f"{_client_count(path)} clients generated in {time.perf_counter() - started:.1f} s "
                "(carnet-tui init --demo, then carnet-tui demo-clients --count N)"
            )
            self._big = path
        return self._big

    def env(self) -> dict[str, str]:
        """The app's environment: no user config, data folder in the workspace, 80×24 xterm."""
        env = dict(os.environ)
        env.update(
            CARNET_CONFIG=str(self.folder / "no-config.toml"),
            CARNET_DATA_DIR=str(self.folder / "data"),
            CARNET_PRINTER="preview",
            CARNET_CASHIER="caisse-bench",  # preselected on the sign-in screen (bench/signin_bench.py)
            TERM="xterm-256color",
            COLUMNS="80",
            LINES="24",
        )
        env.pop("CARNET_DB", None)
        env.pop("TEXTUAL", None)
        return env


def _client_count(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as con:
        return con.execute("SELECT COUNT(*) FROM client").fetchone()[0]


class PtyProcess:
    """A program in an 80×24 pseudo-terminal; everything it writes is kept, with arrival times."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()
        self.rusage = None

    def read_until(self, marker: bytes, timeout: float = 30.0) -> float:
        """Seconds from launch until ``marker`` appeared in the output."""
        deadline = time.monotonic() + timeout
        while marker not in self.output:
            if time.monotonic() > deadline:
                tail = bytes(self.output[-400:])
                raise TimeoutError(f"{marker!r} not seen in {timeout} s; last output: {tail!r}")
            self._read(0.05)
        return time.perf_counter() - self.started

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Read until the program has written nothing for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._read(quiet):
                return

    def _read(self, wait: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the program ended
            time.sleep(wait)
            return False
        self.output += chunk
        return bool(chunk)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def stop(self) -> int:
        """End the program (SIGTERM, then SIGKILL); returns its peak RSS in kB (ru_maxrss, wait4)."""
        pid, _status, usage = os.wait4(self.proc.pid, os.WNOHANG)
        if not pid:
            os.killpg(self.proc.pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while not pid and time.monotonic() < deadline:
                self._read(0.02)
                pid, _status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if not pid:
                os.killpg(self.proc.pid, signal.SIGKILL)
                pid, _status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = -1  # reaped here: Popen must not wait for it again
        os.close(self.master)
        return usage.ru_maxrss


def desk_context(desk: str = "Caisse 1", name: str = "bench", pin: str = "1234"):  # -> Context
    """A cashier signed in at ``desk`` with its till open, on the bound store (made if missing): the
    sale services act in a context since issue 10, and a payment needs an open till session."""
    from carnet_tui.domain.context import Role
    from carnet_tui.services import people, till

    if name not in {u.name for u in people.list_users()}:
        people.add_user(name, Role.CAISSIER.value, pin)
    ctx = people.sign_in(name, pin, desk)
    if ctx.session_id is None:
        ctx = ctx.with_session(till.open_till(ctx, {}).id)
    return ctx

"""The wire over a real sshd: bytes per key, per zone change, per list arrow, per whole sale, and the
same sale over a 64 kbit/s, 100 ms link; and how soon the sale window is ready after a login.

Bytes are what sshd sends to the client (bench/sshd.py's relay: the TCP stream, SSH framing
included, no compression), 80×24, xterm-256color, the 100 000-client store. The manual's sale is
typed key by key, each key's answer awaited: Alt+A, "mohamed benn", Enter ×4 (results, carnets,
tariffs, quantity), 2, Enter ×2 (validity, pay), 12000 Enter, F6, O, O, F8, Ctrl+Q. Two arrows in
the carnet list (↓ then ↑, so the sale is unchanged) are measured on the way and left out of it.

    .venv/bin/python -m bench.wire_bench          # prints every step
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import Missing, PtyProcess, Workspace
from bench.signin_bench import SIGN_IN_KEYS, ready_counter
from bench.sshd import SshLink

ALT_A, ENTER, F4, F6, F8, CTRL_Q = b"\x1ba", b"\r", b"\x1bOS", b"\x1b[17~", b"\x1b[19~", b"\x11"
DOWN, UP = b"\x1b[B", b"\x1b[A"
SEARCH = "mohamed benn"
PER_KEY = SEARCH[:10]  # bench/ssh_bytes.py's ten characters ("mohamed be")


@dataclass
class Step:
    name: str
    keys: bytes
    kind: str = ""  # "key", "zone", "arrow"; "" for the others
    in_sale: bool = True


def sale_steps() -> list[Step]:
    steps = [Step("Alt+A", ALT_A)]
    steps += [Step(f"'{c}'", c.encode(), "key") for c in SEARCH]
    steps += [Step("Enter search→results", ENTER, "zone"), Step("Enter results→carnets", ENTER, "zone")]
    steps += [Step("↓ carnets", DOWN, "arrow", False), Step("↑ carnets", UP, "arrow", False)]
    steps += [Step("Enter carnets→tariffs", ENTER, "zone"), Step("Enter tariffs→quantity", ENTER, "zone"),
              Step("'2'", b"2"), Step("Enter quantity→validity", ENTER, "zone"),
              Step("Enter validity→payment", ENTER)]
    steps += [Step(f"'{c}'", c.encode()) for c in "12000"]
    steps += [Step("Enter (pay)", ENTER), Step("F6", F6), Step("O (carnet 1)", b"o"),
              Step("O (carnet 2)", b"o"), Step("F8", F8), Step("Ctrl+Q", CTRL_Q)]
    return steps


@dataclass
class Run:
    login_bytes: int = 0
    total_bytes: int = 0  # the whole session, login to logout, sale steps only
    steps: list[tuple[str, str, int, float]] = field(default_factory=list)  # name, kind, bytes, seconds

    def of(self, kind: str) -> list[int]:
        return [size for _name, k, size, _s in self.steps if k == kind]


def run_sale(store: Path, ws: Workspace, bits_per_s: float | None = None, delay_s: float = 0.0,
             steps: list[Step] | None = None) -> Run:
    """Log in through sshd, type the steps one by one, each after the previous one's answer."""
    slow = bits_per_s is not None
    quiet = 1.0 if slow else 0.5
    folder = Path(tempfile.mkdtemp(prefix="ssh-", dir=ws.folder))
    env = dict(ws.env(), CARNET_PRINTER=f"file:{folder / 'printer.bin'}")
    result = Run()
    with SshLink(store, folder, env, bits_per_s, delay_s) as link:
        assert link.relay is not None and link.client is not None
        link.settle(quiet=2.0 if slow else 1.5, timeout=60)
        link.client.send(SIGN_IN_KEYS)  # the sign-in is part of the login
        link.settle(quiet=quiet, timeout=60)
        result.login_bytes = result.total_bytes = link.relay.server_bytes
        for step in steps or sale_steps():
            if slow and not step.in_sale:
                continue
            before = link.relay.server_bytes
            sent = time.monotonic()
            link.client.send(step.keys)
            last = link.settle(quiet=quiet, timeout=60)
            size = link.relay.server_bytes - before
            seconds = max(last - sent, 0.0) if size else 0.0
            result.steps.append((step.name, step.kind, size, seconds))
            if step.in_sale:
                result.total_bytes += size
    return result


def measure(ws: Workspace) -> dict[str, float]:
    """All the SSH figures of one run at full speed, and the sale's time over 64 kbit/s, 100 ms."""
    store = ws.big_store()
    fast = run_sale(store, ws)
    per_key = [size for name, kind, size, _s in fast.steps if kind == "key"][: len(PER_KEY)]
    zones, arrows = fast.of("zone"), fast.of("arrow")
    ws.notes["wire_steps"] = " · ".join(f"{name} {size}" for name, _k, size, _s in fast.steps)
    ws.notes["ssh_bytes_zone_change"] = f"max of the 5 Enters between zones {zones}"
    ws.notes["ssh_bytes_list_arrow"] = f"max of ↓ and ↑ in the carnet list {arrows}"
    ws.notes["ssh_bytes_per_keystroke"] = f"mean over '{PER_KEY}' typed in the client search {per_key}"
    ws.notes["ssh_bytes_manual_sale"] = (
        f"login {fast.login_bytes} B included, to the logout; the arrows measured on the way left out")
    slow = run_sale(store, ws, bits_per_s=64_000, delay_s=0.1)
    slowest = sorted(slow.steps, key=lambda s: -s[3])[:4]
    ws.notes["ssh_ms_manual_sale_64k"] = (
        f"sum over the sale's keys of key → its last byte ({len(slow.steps)} keys); slowest: "
        + ", ".join(f"{name} {seconds * 1000:.0f} ms ({size} B)" for name, _k, size, seconds in slowest))
    return {
        "ssh_bytes_zone_change": max(zones),
        "ssh_bytes_list_arrow": max(arrows),
        "ssh_bytes_per_keystroke": statistics.mean(per_key),
        "ssh_bytes_manual_sale": fast.total_bytes,
        "ssh_ms_manual_sale_64k": sum(s[3] for s in slow.steps) * 1000,
    }


# ------------------------------------------------------------------ the sale window after a login
def _first_model_marker(store: Path) -> bytes:
    """The first carnet of the list, as the sale window writes it: the list is drawn."""
    import sqlite3

    from bench.common import REPO  # noqa: F401 (the app's models decide the order; the store says)

    with sqlite3.connect(store) as con:
        row = con.execute("SELECT name FROM carnet_model WHERE active = 1 ORDER BY id LIMIT 1").fetchone()
    if row is None:
        raise Missing("no carnet model in the store")
    return str(row[0])[:12].encode()


def sale_ready_ratio(ws: Workspace, runs: int = 11) -> float:
    """Launch with the PIN, Enter and Alt+A typed at once → the sale window with its carnet list,
    ready for a key, over the bare Textual app's first frame; medians of ``runs``, alternated, in one run.

    11 launches of each, not 5: on this machine single launches of either app vary by ±25 %
    (190–300 ms for the bare one), and medians of 5 put the same build anywhere in 1.3–1.9.

    "Ready" is proven, not guessed: a character typed once the list is drawn must come back
    echoed in the client search (the window took it)."""
    from bench.ui_bench import BARE_MARKER, WARM_LINGER_S, _app_argv, _bare_argv

    app_argv, bare_argv = _app_argv(ws), _bare_argv(ws)
    store = ws.big_store()
    marker = _first_model_marker(store)

    def app_once(linger: float = 0.0) -> float:
        proc = PtyProcess(app_argv, ws.env())
        try:
            proc.send(SIGN_IN_KEYS + ALT_A)  # typed before the app even started
            proc.read_until(marker)
            drawn = time.perf_counter() - proc.started
            proc.send(b"Q")
            proc.read_until(b"Q", timeout=10)
            time.sleep(linger)
            return drawn
        finally:
            proc.stop()

    def bare_once() -> float:
        proc = PtyProcess(bare_argv, ws.env())
        try:
            return proc.read_until(BARE_MARKER)
        finally:
            proc.stop()

    app_once(linger=WARM_LINGER_S), bare_once()  # the caches warm, as after a previous login
    app, bare = [], []
    for _ in range(runs):
        app.append(app_once())
        bare.append(bare_once())
    ws.notes["sale_ready_ratio"] = (
        f"sale window with its carnet list {statistics.median(app) * 1000:.0f} ms / bare Label app "
        f"{statistics.median(bare) * 1000:.0f} ms (medians of {runs}, Alt+A typed at launch, 100k store)")
    return statistics.median(app) / statistics.median(bare)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="carnet-wire-") as folder:
        ws = Workspace(Path(folder))
        if "--ready" in sys.argv:
            print("sale_ready_ratio", round(sale_ready_ratio(ws), 3))
        else:
            store = ws.big_store() if "--small" not in sys.argv else None
            if store is None:
                import subprocess

                store = Path(folder) / "small.db"
                subprocess.run([sys.executable, "-m", "carnet_tui", "--db", str(store), "init", "--demo"],
                               check=True, env=ws.env(), capture_output=True)
                ready_counter(store, ws.env())
                ws._big = store
            fast = run_sale(store, ws)
            for name, kind, size, _s in fast.steps:
                print(f"{name:<28} {kind:<6} {size:>7}")
            print(f"login {fast.login_bytes}  sale total {fast.total_bytes}")
            if "--slow" in sys.argv:
                slow = run_sale(store, ws, bits_per_s=64_000, delay_s=0.1)
                for name, _kind, size, seconds in slow.steps:
                    print(f"{name:<28} {size:>7} {seconds * 1000:>7.0f} ms")
                print(f"total {sum(s[3] for s in slow.steps) * 1000:.0f} ms")
        print(json.dumps(ws.notes, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

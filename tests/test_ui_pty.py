"""The real app in a pseudo-terminal, typed into the way SSH delivers keys: many in one packet.

The manual's line is typed as one burst (search, four Tabs, quantity, F4, amount, Enter); every key
must land where it was meant, as if typed slowly. No timing is asserted: the test only waits, with a
generous limit, for the sale to be saved.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

from support.day import SIGN_IN_KEYS, signed_in

from carnet_tui.services import demo
from carnet_tui.store import db as store

REPO = Path(__file__).resolve().parents[1]
CHILD = """
import dataclasses, sys
from datetime import date
from pathlib import Path
from carnet_tui.settings import Settings
from carnet_tui.store import db
from carnet_tui.ui.app import CarnetApp
db.connect(sys.argv[1])
settings = dataclasses.replace(Settings(db=sys.argv[1]), data_dir=Path(sys.argv[2]))
CarnetApp(settings, today=date(2019, 12, 20)).run()
"""
F4 = b"\x1bOS"
DOWN = b"\x1b[B"


def _drain(fd: int, seconds: float) -> bytes:
    out = b""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
    return out


def _wait_for(fd: int, predicate, limit: float = 30.0) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        _drain(fd, 0.3)  # keep the pty flowing so the app never blocks on a full buffer
        if predicate():
            return
    raise AssertionError("the app never got there")


def test_a_burst_of_keys_lands_where_meant(tmp_path: Path) -> None:
    location = str(tmp_path / "carnet.db")
    store.connect(location)
    demo.load_demo()
    signed_in()  # the cashier exists, the desk's till is open
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(REPO)
        os.environ["TERM"] = "xterm-256color"
        os.execv(sys.executable, [sys.executable, "-c", CHILD, location, str(tmp_path / "data")])
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        _drain(fd, 2.0)  # first frame: the sign-in
        os.write(fd, SIGN_IN_KEYS)
        _drain(fd, 1.5)
        os.write(fd, b"\x1ba")  # Alt+A
        _drain(fd, 1.5)
        os.write(fd, b"mohamed benn" + b"\t" * 4 + b"2" + F4 + b"12000\r")  # one packet

        from carnet_tui.services.clients import search
        from carnet_tui.store.models import Payment, SaleLine

        _wait_for(fd, lambda: SaleLine.select().exists())
        line = SaleLine.get()
        payment = Payment.get()
        assert line.quantity == 2
        assert line.client.name == "Mohamed Bennani"
        assert payment.tendered_cents == 1_200_000 and payment.change_cents == 100_000
        assert sorted(c.number for c in line.carnets) == ["20191220-815", "20191220-815A"]

        # a second line, corrections included, still one packet: F2, "benn", ↓ into the answers, ↓ to
        # the second client, Enter ×3 to the quantity, 3, Enter, validity 0 ⌫ 3651 ⌫⌫⌫⌫ 30, Enter (pay)
        burst = (b"\x1bOQ" + b"benn" + DOWN * 2 + b"\r" * 3 + b"3\r" + b"0\x7f3651" + b"\x7f" * 4
                 + b"30\r" + b"17000\r")
        os.write(fd, burst)
        _wait_for(fd, lambda: SaleLine.select().count() == 2)
        second = SaleLine.select().order_by(SaleLine.id.desc()).get()
        answers = search("benn", "V")  # what the list shows for a Visiteur
        assert (second.quantity, second.validity_days) == (3, 30)
        assert second.client_id == answers[1].id  # the second answer, as the arrows said
        assert Payment.select().order_by(Payment.id.desc()).get().tendered_cents == 1_700_000
    finally:
        os.write(fd, b"\x11")  # Ctrl+Q
        _drain(fd, 1.0)
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
        from carnet_tui.store.models import database

        database.obj.close()

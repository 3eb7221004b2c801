"""A real ``carnet-tui`` process in a pseudo-terminal, killed after F4 (kill -9, or a hang-up as an
SSH drop gives): the next start offers the paid sale, takes it up, and F6 prints its billets."""

from __future__ import annotations

import dataclasses
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

import pytest
from support.day import SIGN_IN_KEYS, signed_in
from support.ui import MANUAL_DAY, demo_settings, settle, wait_until

from carnet_tui.store.models import Billet, Carnet, Sale, SaleLine
from carnet_tui.ui.app import CarnetApp
from carnet_tui.ui.screens.dialogs import PrintCarnetDialog
from carnet_tui.ui.screens.sale import SaleScreen
from carnet_tui.ui.screens.unclosed import YesNoNow

REPO = Path(__file__).resolve().parents[1]
CARNET_TUI = Path(sys.executable).with_name("carnet-tui")  # the installed console script
F4 = b"\x1bOS"


def _drain(fd: int, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def _exited(pid: int, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def ui_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("CARNET_CASHIER", "amina")
    out = tmp_path / "out.bin"
    for settings in demo_settings(tmp_path):
        yield dataclasses.replace(settings, printer=dataclasses.replace(settings.printer, url=f"file:{out}"))


@pytest.mark.parametrize("how", ["kill -9", "hang-up"])
async def test_paid_then_killed_is_offered_at_next_start_and_prints(ui_settings, tmp_path, how) -> None:
    env = dict(os.environ, TERM="xterm-256color", CARNET_CASHIER="amina",
               CARNET_DATA_DIR=str(tmp_path / "data"), CARNET_CONFIG=str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    signed_in("amina")  # the cashier exists, the desk's till is open
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command, as a cashier starts it
        os.chdir(REPO)
        os.execve(str(CARNET_TUI), [str(CARNET_TUI), "--db", ui_settings.db], env)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        _drain(fd, 2.0)  # first frame, store opened: the sign-in
        os.write(fd, SIGN_IN_KEYS)
        _drain(fd, 1.5)
        os.write(fd, b"\x1ba")  # Alt+A
        _drain(fd, 1.5)
        os.write(fd, b"mohamed benn" + b"\t" * 4 + b"2" + F4)
        _drain(fd, 1.0)
        os.write(fd, b"12000\r")
        end = time.monotonic() + 30
        while not SaleLine.select().exists():
            assert time.monotonic() < end, "the line was never paid"
            _drain(fd, 0.2)
        _drain(fd, 0.5)
        if how == "kill -9":
            os.kill(pid, signal.SIGKILL)
        else:  # the SSH connection drops: the terminal goes away and the process gets SIGHUP
            os.close(fd)
            fd = -1
            os.kill(pid, signal.SIGHUP)
        if not _exited(pid, 15):
            os.kill(pid, signal.SIGKILL)  # what is tested is the next start, not how this one ended
            os.waitpid(pid, 0)
        pid = 0
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if fd >= 0:
            os.close(fd)

    sale = Sale.get()
    assert (sale.status, sale.cashier) == ("open", "amina") and sale.number == 815
    numbers = [c.number for c in Carnet.select().order_by(Carnet.index)]
    assert len(numbers) == 2

    app = CarnetApp(ui_settings, today=MANUAL_DAY, context=signed_in("amina", today=MANUAL_DAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, YesNoNow))
        assert "La vente N° 815 " in str(app.screen.query_one("#question").render())
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await settle(pilot)
        await pilot.press("f6")
        for number in numbers:
            await wait_until(pilot, lambda n=number: isinstance(app.screen, PrintCarnetDialog)
                             and f"{n} " in str(app.screen.query_one("#print-question").render()))
            await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await settle(pilot)
    assert Billet.select().where(Billet.print_state == "sent").count() == 30
    out = (tmp_path / "out.bin").read_bytes().decode("cp858")
    assert "TICKET DE CAISSE" in out and "Vente N° 815" in out
    for number in numbers:
        assert f"{number}-001" in out and f"{number}-015" in out

"""The app and its terminal, with the real program on a real pty (issue 8, findings 13, 15 and 16).

Keys typed ahead are never lost (a burst, or keys 80 ms apart, give the same sale as slow typing);
SIGTERM, SIGHUP and a terminal that goes away end the app within seconds with the terminal restored
and nothing left spinning; no terminal, no run. Timings here are hang guards, never speed claims.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.day import SIGN_IN_KEYS, prepare_store
from support.terminal import (
    ALT_A,
    ENTER,
    F4,
    F5,
    LEAVE_ALT_SCREEN,
    MOUSE_OFF,
    SHOW_CURSOR,
    Terminal,
    clean_env,
)

# a first start; the store is opened after the first frame, so the keys may arrive while it opens
# (the PIN and Enter included: the sign-in waits for the names, Alt+A for the sign-in)
READY = b"Quitter"
SALE_WINDOW = "Bénéficiaire".encode()
PAYMENT = "Reçu".encode()


def _init_demo(tmp_path: Path, env: dict[str, str]) -> Path:
    db = tmp_path / "carnet.db"
    subprocess.run([sys.executable, "-m", "carnet_tui", "--db", str(db), "init", "--demo"],
                   env=env, check=True, capture_output=True, timeout=120)
    prepare_store(str(db))  # who signs in (amina, PIN 1234); the desk's till opened
    return db


def _rows(db: Path) -> dict[str, list[tuple]]:
    """What a sale leaves in the store, without ids and clocks."""
    with sqlite3.connect(db) as conn:
        return {
            "lines": conn.execute(
                "SELECT l.quantity, l.validity_days, c.name, t.label, l.unit_price_cents "
                "FROM sale_line l JOIN client c ON c.id = l.client_id JOIN tariff t ON t.id = l.tariff_id "
                "ORDER BY l.id").fetchall(),
            "payments": conn.execute(
                "SELECT method, tendered_cents, change_cents FROM payment ORDER BY id").fetchall(),
            # the number without its date: a run may straddle midnight
            "carnets": [(number.split("-", 1)[1],)
                        for (number,) in conn.execute("SELECT number FROM carnet ORDER BY id")],
        }


def _keys(text: bytes) -> list[bytes]:
    return [bytes([b]) for b in text]


# Alt+A, the search, Enter to the answers, the carnets, the tariffs and the quantity, 2, Enter to
# the validity, Enter (Règlement), the amount tendered, Enter
LINE = [ALT_A, *_keys(b"mohamed benn"), ENTER, ENTER, ENTER, ENTER, b"2", ENTER, ENTER,
        *_keys(b"12000"), ENTER]
# the same sale by F4 straight from the answers (the first carnet and tariff are already chosen)
LINE_F4 = [ALT_A, *_keys(b"moh"), F4, *_keys(b"12000"), ENTER]


def _sell(tmp_path: Path, keys: list[bytes], how: str) -> dict[str, list[tuple]]:
    env = clean_env(tmp_path)
    db = _init_demo(tmp_path, env)
    term = Terminal.carnet(["--db", str(db)], env)
    try:
        term.wait_for_text(READY)
        if how == "burst":  # one packet, as SSH delivers keys after a stall
            term.write(SIGN_IN_KEYS + b"".join(keys))
        elif how == "spaced":  # 80 ms apart: a practised cashier, a slow link
            term.type_spaced([*_keys(SIGN_IN_KEYS), *keys], 0.08)
        else:  # slowly: each screen is there before its keys
            term.write(SIGN_IN_KEYS)
            time.sleep(1.5)
            opens_payment = len(keys) - 7  # the key before the amount "12000" and its Enter
            for index, key in enumerate(keys):
                mark = term.mark()
                term.write(key)
                if index == 0:
                    term.wait_for_text(SALE_WINDOW, after=mark)
                elif index == opens_payment:
                    term.wait_for_text(PAYMENT, after=mark)
                else:
                    time.sleep(0.3)
        term.wait_for(lambda: bool(_rows(db)["payments"]), what="the payment saved")
        time.sleep(0.5)  # anything typed too many would show up now
        return _rows(db)
    finally:
        term.kill(signal.SIGTERM)
        term.wait_exit(15)
        term.stop()


@pytest.fixture(scope="module")
def slow_sales(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[tuple]]]:
    return {name: _sell(tmp_path_factory.mktemp(f"slow-{name}"), keys, "slow")
            for name, keys in (("enter", LINE), ("f4", LINE_F4))}


@pytest.mark.parametrize("how", ["burst", "spaced"])
@pytest.mark.parametrize("line", ["enter", "f4"])
def test_keys_typed_ahead_on_the_first_start_give_the_same_sale(tmp_path: Path, slow_sales, how: str,
                                                                  line: str) -> None:
    expected = slow_sales[line]
    assert len(expected["lines"]) == 1 and expected["lines"][0][0] == (2 if line == "enter" else 1)
    assert _sell(tmp_path, LINE if line == "enter" else LINE_F4, how) == expected


# ---------------------------------------------------------------------------- signals, hang-up
RESTORED_TAIL = re.compile(rb"(?:\x1b\[[?<]?[\d;]*[a-zA-Z])*")  # mode resets only, nothing drawn


def _assert_restored(output: bytes) -> None:
    """The bytes end with the terminal given back: alternate screen left, mouse off, cursor shown."""
    end = output.rfind(LEAVE_ALT_SCREEN)
    assert end >= 0, output[-500:]
    assert RESTORED_TAIL.fullmatch(output[end:]), output[end:]
    assert MOUSE_OFF in output[output.rfind(b"\x1b[?1000h"):], "mouse reporting left on"
    assert SHOW_CURSOR in output[end:]


def _open_sale_with_a_paid_line(term: Terminal, db: Path) -> None:
    term.wait_for_text(READY)
    term.write(SIGN_IN_KEYS + b"".join(LINE_F4))
    term.wait_for(lambda: bool(_rows(db)["payments"]), what="the payment saved")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_restore_the_terminal_and_leave_the_sale_open(tmp_path: Path, signum: int) -> None:
    env = clean_env(tmp_path)
    db = _init_demo(tmp_path, env)
    term = Terminal.carnet(["--db", str(db)], env)
    try:
        _open_sale_with_a_paid_line(term, db)
        term.kill(signum)
        status = term.wait_exit(15)
        assert status is not None, "still running after the signal"
        assert status == 128 + signum  # what a shell or a service manager expects of a signal
        _assert_restored(term.bytes())
    finally:
        term.stop()
    with sqlite3.connect(db) as conn:  # nothing asked, nothing undone: offered at the next start
        assert conn.execute("SELECT status FROM sale").fetchall() == [("open",)]
    assert len(_rows(db)["carnets"]) == 1


def test_closing_the_terminal_ends_the_app(tmp_path: Path) -> None:
    """The terminal window closed, the SSH connection dropped: the pty's master side goes away."""
    env = clean_env(tmp_path)
    db = _init_demo(tmp_path, env)
    term = Terminal.carnet(["--db", str(db)], env)
    try:
        _open_sale_with_a_paid_line(term, db)
        term.close_master()
        assert term.wait_exit(15) is not None, "still running after its terminal went away"
    finally:
        term.stop()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM sale").fetchall() == [("open",)]


CHILD = """
import dataclasses, sys
from pathlib import Path
from carnet_tui.settings import Settings
from carnet_tui.store import db
from carnet_tui.ui.app import run_app
db.connect(sys.argv[1])
run_app(dataclasses.replace(Settings(db=sys.argv[1]), data_dir=Path(sys.argv[2])))
"""


def test_end_of_input_ends_the_app_without_spinning(tmp_path: Path) -> None:
    """Finding 16: keys through a pipe (``ssh -T``), the link drops: Textual's input thread read the
    empty end of input again and again, 100 % of a core until killed. (The CLI refuses to start
    without a terminal; the app itself is started here to make the end of input happen.)"""
    env = clean_env(tmp_path)
    db = _init_demo(tmp_path, env)
    term = Terminal([sys.executable, "-c", CHILD, str(db), str(tmp_path / "data")], env, stdin_pipe=True)
    try:
        term.wait_for_text(READY)
        time.sleep(1.0)  # the store opened, the screen idle
        before = term.cpu_seconds()
        term.close_stdin()
        assert term.wait_exit(15) is not None, f"still running, {term.cpu_seconds() - before:.1f} s of CPU"
        assert term.cpu_used() - before < 5.0
        _assert_restored(term.bytes())
    finally:
        term.stop()


# ---------------------------------------------------------------------------- no terminal, no run
def test_without_a_terminal_the_counter_refuses_to_start(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    db = _init_demo(tmp_path, env)  # init works without a terminal
    result = subprocess.run([sys.executable, "-m", "carnet_tui", "--db", str(db)], env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "s'ouvre dans un terminal" in result.stderr and "l'entrée standard" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    # keys from a terminal, the screen into a file: refused as well, naming what is missing
    master, slave = os.openpty()
    try:
        result = subprocess.run([sys.executable, "-m", "carnet_tui", "--db", str(db), "run"], env=env,
                                stdin=slave, capture_output=True, text=True, timeout=60)
    finally:
        os.close(master)
        os.close(slave)
    assert result.returncode == 2
    assert "la sortie standard" in result.stderr and "l'entrée standard" not in result.stderr


# ---------------------------------------------------------------------------- mouse: clicks only
def test_mouse_reporting_is_clicks_only_and_can_be_turned_off(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    db = _init_demo(tmp_path, env)
    for extra, wanted in (({}, True), ({"CARNET_MOUSE": "0"}, False)):
        term = Terminal.carnet(["--db", str(db)], {**env, **extra})
        try:
            term.wait_for_text(READY)
            started = term.bytes()
            assert (b"\x1b[?1000h" in started) is wanted and (b"\x1b[?1006h" in started) is wanted
            assert b"\x1b[?1003h" not in started and b"\x1b[?1002h" not in started  # no motion
            term.kill(signal.SIGTERM)
            assert term.wait_exit(15) is not None
        finally:
            term.stop()


def test_right_click_on_a_sold_row_opens_its_actions(tmp_path: Path) -> None:
    """A real SGR mouse report: right button pressed and released on the first row of the carnets."""
    env = clean_env(tmp_path)
    db = _init_demo(tmp_path, env)
    term = Terminal.carnet(["--db", str(db)], env)
    try:
        _open_sale_with_a_paid_line(term, db)
        time.sleep(0.5)
        mark = term.mark()
        # 80×24: header, beneficiary, client, lists (7), line, messages; the table's frame and
        # header: its first row is the 15th line
        term.write(b"\x1b[<2;20;15M\x1b[<2;20;15m")
        term.wait_for_text("Actions · carnet N°".encode(), after=mark, limit=20)
    finally:
        term.stop()


# ---------------------------------------------------------------------------- Shift+F10
@pytest.mark.parametrize(("term_name", "shift_f10"), [("linux", b"\x1b[34~"), ("xterm", b"\x1b[21;2~")])
def test_shift_f10_opens_the_actions_menu(tmp_path: Path, term_name: str, shift_f10: bytes) -> None:
    """The Linux console sends Shift+F10 as F20 (ESC [ 34 ~), which Textual took for a '"' typed in;
    xterm sends ESC [ 21 ; 2 ~."""
    env = clean_env(tmp_path, CARNET_CASHIER="amina")  # the signed-in cashier: their sale is offered
    db = _init_demo(tmp_path, env)
    term = Terminal.carnet(["--db", str(db)], env)
    try:
        _open_sale_with_a_paid_line(term, db)
    finally:
        term.kill(signal.SIGTERM)
        term.wait_exit(15)
        term.stop()
    term = Terminal.carnet(["--db", str(db)], env, term=term_name)
    try:
        term.wait_for_text(READY)
        term.write(SIGN_IN_KEYS)
        # the sale left open by the first run is offered back first: not now
        term.wait_for_text(b"la reprendre", limit=20)
        time.sleep(0.3)  # a question takes only the keys typed after it appeared
        term.write(b"n")
        time.sleep(0.5)
        mark = term.mark()
        term.write(F5)  # the history; Enter in its filter goes to the sales
        term.wait_for_text(b"Historique des ventes", after=mark)
        time.sleep(0.5)
        mark = term.mark()
        # one packet: Enter moves the focus to the sales (by a message), and the key after it must
        # find it there, as if typed slowly
        term.write(ENTER + shift_f10)
        term.wait_for_text("Actions · vente N°".encode(), after=mark, limit=20)
    finally:
        term.stop()

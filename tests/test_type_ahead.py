"""Keys typed while the counter starts are all taken, in order: a real process in a pseudo-terminal,
every key written before the app has drawn anything (a practised cashier, a burst over SSH)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import termios
from pathlib import Path

from support.day import CASHIER, SIGN_IN_KEYS, prepare_store
from support.terminal import ALT_A, CTRL_Q, ENTER, F4, TAB, Terminal, clean_env

CARNET_TUI = Path(sys.executable).with_name("carnet-tui")


def _sign_ins(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT COUNT(*) FROM journal WHERE kind = 'sign_in' AND actor = ?",
                           (CASHIER,)).fetchone()[0]


def _signed_in(db: Path) -> bool:
    return _sign_ins(db) > 0


def _paid(db: Path) -> list[tuple[int, int]]:  # amount, tendered (cents)
    with sqlite3.connect(db) as con:
        return con.execute("SELECT amount_cents, tendered_cents FROM payment").fetchall()


def test_pin_enter_and_a_whole_sale_typed_before_the_first_frame(tmp_path: Path) -> None:
    env = clean_env(tmp_path, CARNET_CASHIER=CASHIER)
    db = tmp_path / "carnet.db"
    subprocess.run([str(CARNET_TUI), "--db", str(db), "init", "--demo"], env=env, check=True,
                   capture_output=True, timeout=60)
    prepare_store(str(db))  # the cashier and the desk's till opened
    term = Terminal([str(CARNET_TUI), "--db", str(db)], env)
    try:
        # in one write, at once: the terminal is still in line mode (its Enter becomes LF)
        term.write(SIGN_IN_KEYS + ALT_A + b"mohamed benn" + TAB * 4 + b"2" + F4 + b"12000" + ENTER)
        term.wait_for(lambda: _signed_in(db), what="the sign-in typed ahead")
        term.wait_for(lambda: bool(_paid(db)), what="the payment typed ahead")
        assert _paid(db) == [(1_100_000, 1_200_000)]  # the manual's line: 2 × 5 500 DH
    finally:
        term.stop()


def test_the_terminal_is_given_back_as_it_was(tmp_path: Path) -> None:
    """Echo, line editing and CR→LF, turned off at launch (before Textual's own raw mode), are back
    once the app has ended: the shell after it echoes what the cashier types."""
    env = clean_env(tmp_path, CARNET_CASHIER=CASHIER)
    db = tmp_path / "carnet.db"
    subprocess.run([str(CARNET_TUI), "--db", str(db), "init", "--demo"], env=env, check=True,
                   capture_output=True, timeout=60)
    prepare_store(str(db), open_till=False)
    term = Terminal([str(CARNET_TUI), "--db", str(db)], env)
    try:
        before = termios.tcgetattr(term.fd)
        assert before[3] & termios.ECHO and before[3] & termios.ICANON and before[0] & termios.ICRNL
        term.write(SIGN_IN_KEYS)
        term.wait_for(lambda: _signed_in(db), what="the sign-in")
        term.write(CTRL_Q)
        assert term.wait_exit(30) == 0
        assert termios.tcgetattr(term.fd)[:4] == before[:4]  # iflag, oflag, cflag, lflag
    finally:
        term.stop()


def test_keys_echoed_before_the_start_are_wiped_at_the_end(tmp_path: Path) -> None:
    """Typed before the app could turn echo off (an SSH login): the PIN was echoed on the terminal;
    the app wipes the screen when it ends. Typed once the sign-in is drawn: nothing to wipe."""
    from carnet_tui.ui.early_keys import WIPE

    env = clean_env(tmp_path, CARNET_CASHIER=CASHIER)
    db = tmp_path / "carnet.db"
    subprocess.run([str(CARNET_TUI), "--db", str(db), "init", "--demo"], env=env, check=True,
                   capture_output=True, timeout=60)
    prepare_store(str(db), open_till=False)
    for typed_ahead in (True, False):
        term = Terminal([str(CARNET_TUI), "--db", str(db)], env)
        try:
            if not typed_ahead:
                term.wait_for_text(b"Identification")
            signed = _sign_ins(db)
            term.write(SIGN_IN_KEYS)
            term.wait_for(lambda signed=signed: _sign_ins(db) > signed, what="the sign-in")
            term.write(CTRL_Q)
            assert term.wait_exit(30) == 0
            after_app = term.bytes().rsplit(b"\x1b[?1049l", 1)[-1]  # what follows the app's screen
            assert (WIPE.encode() in after_app) is typed_ahead
        finally:
            term.stop()

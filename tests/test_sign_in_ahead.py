"""A PIN and Enter typed before the counter drew anything (during an SSH login): checked while the
app starts, signed in without drawing the sign-in screen; a wrong one shows that screen with its
refusal. Real processes in a pseudo-terminal on real SQLite files, and the pieces on their own."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support.day import CASHIER, PIN, SIGN_IN_KEYS, add_people, prepare_store
from support.terminal import ALT_A, ENTER, Terminal, clean_env

from carnet_tui.domain import pins
from carnet_tui.domain.errors import DomainError
from carnet_tui.services import people, pin_ahead
from carnet_tui.store.models import JournalEntry, User
from carnet_tui.texts import t
from carnet_tui.ui import early_keys

CARNET_TUI = Path(sys.executable).with_name("carnet-tui")


def _journal(db: Path, kind: str) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT COUNT(*) FROM journal WHERE kind = ? AND actor = ?",
                           (kind, CASHIER)).fetchone()[0]


def _counter(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    env = clean_env(tmp_path, CARNET_CASHIER=CASHIER)
    db = tmp_path / "carnet.db"
    subprocess.run([str(CARNET_TUI), "--db", str(db), "init", "--demo"], env=env, check=True,
                   capture_output=True, timeout=60)
    prepare_store(str(db))
    return db, env


# ------------------------------------------------------------------ the real counter in a pty
def test_a_sign_in_typed_ahead_goes_to_the_sale_without_the_sign_in_screen(tmp_path: Path) -> None:
    db, env = _counter(tmp_path)
    signed = _journal(db, "sign_in")  # the till opened by prepare_store
    term = Terminal([str(CARNET_TUI), "--db", str(db)], env)
    try:
        term.write(SIGN_IN_KEYS + ALT_A)  # at once, before the first frame
        term.wait_for(lambda: _journal(db, "sign_in") > signed, what="the sign-in typed ahead")
        term.wait_for_text(t("sale.title").encode())  # Alt+A, typed with it, was kept
        assert t("signin.title").encode() not in term.bytes()  # never drawn
        # the home screen under it, made when first shown: its menu, for this cashier, focused
        assert b"aussi sa touche" not in term.bytes()
        mark = len(term.bytes())
        term.write(b"\x1b")  # Échap: back home
        term.wait_for_text(b"aussi sa touche", after=mark)
        term.wait_for_text(f"{CASHIER} · caissier".encode(), after=mark)
        mark = len(term.bytes())
        term.write(ENTER)  # the menu's first line, highlighted: Vente
        term.wait_for_text(t("sale.title").encode(), after=mark)
    finally:
        term.stop()


def test_a_wrong_pin_typed_ahead_shows_the_sign_in_screen_with_its_refusal(tmp_path: Path) -> None:
    db, env = _counter(tmp_path)
    signed = _journal(db, "sign_in")
    term = Terminal([str(CARNET_TUI), "--db", str(db)], env)
    try:
        term.write(b"9999\r" + ALT_A)
        term.wait_for(lambda: _journal(db, "pin_failed") == 1, what="the failed try, journaled")
        term.wait_for_text(t("signin.title").encode())
        term.wait_for_text(b"Code PIN incorrect")
        assert _journal(db, "sign_in") == signed
        term.write(PIN.encode() + ENTER)  # typed on the screen, as usual
        term.wait_for(lambda: _journal(db, "sign_in") > signed, what="the sign-in on the screen")
    finally:
        term.stop()


# ------------------------------------------------------------------ the pieces
@pytest.fixture
def typed():
    early_keys._typed.clear()
    yield early_keys._typed
    early_keys._typed.clear()


def test_a_pin_and_enter_at_the_head_of_the_keys_are_taken_the_rest_is_left(typed: bytearray) -> None:
    typed.extend(b"1234\r\x1bamoha")
    assert early_keys.pin_ahead() == "1234"
    assert early_keys.take_pin() == "1234"
    assert early_keys.take_typed() == b"\x1bamoha"  # for the driver, in order
    assert early_keys.take_pin() is None and early_keys.take_typed() == b""


@pytest.mark.parametrize("keys", [b"1234", b"\x1ba1234\r", b"12a4\r", b"123456789\r", b"\r", b""])
def test_keys_that_are_not_a_pin_and_enter_are_all_left_to_the_driver(
        typed: bytearray, keys: bytes) -> None:
    typed.extend(keys)
    assert early_keys.take_pin() is None
    assert early_keys.take_typed() == keys


def test_lf_is_enter_too(typed: bytearray) -> None:
    typed.extend(b"2222\n")  # Enter typed before the terminal left line mode
    assert early_keys.take_pin() == "2222"


def test_an_answer_computed_ahead_is_taken_once() -> None:
    stored = pins.hash_pin("4321", b"0123456789abcdef")
    pins.verify_ahead("4321", stored)
    pins.verify_ahead("0000", stored)
    assert pins._ahead == {("4321", stored): True, ("0000", stored): False}
    assert pins.verify_pin("4321", stored) and not pins.verify_pin("0000", stored)
    assert pins._ahead == {}
    assert pins.verify_pin("4321", stored)  # computed again: the same answer


def test_preselected_is_the_desks_cashier_when_listed_else_the_first() -> None:
    assert pin_ahead.preselected(["Admin", "amina"], "amina") == "amina"
    assert pin_ahead.preselected(["Admin", "amina"], "nobody") == "Admin"
    assert pin_ahead.preselected([], "amina") is None


def test_a_pin_checked_in_the_background_is_the_sign_ins_answer(connected, db_path: Path,
                                                                monkeypatch) -> None:
    add_people({"Admin": "admin", CASHIER: "caissier"})
    monkeypatch.setenv("CARNET_CASHIER", CASHIER)
    stored = User.get(User.name == CASHIER).pin_hash
    thread = pin_ahead.check_in_background(str(db_path), PIN)
    assert thread is not None
    thread.join(10)
    assert pins._ahead == {(PIN, stored): True}  # the cashier's, not Admin's (first by name)
    ctx = pin_ahead.sign_in(PIN, "Caisse 1")
    assert ctx is not None and ctx.user == CASHIER
    assert pins._ahead == {}


def test_a_wrong_pin_checked_in_the_background_is_refused_and_counted(connected, db_path: Path,
                                                                      monkeypatch) -> None:
    add_people({CASHIER: "caissier"})
    monkeypatch.setenv("CARNET_CASHIER", CASHIER)
    pin_ahead.check_in_background(str(db_path), "9999").join(10)
    with pytest.raises(DomainError) as refused:
        pin_ahead.sign_in("9999", "Caisse 1")
    assert refused.value.key == "err.pin.wrong"
    assert User.get(User.name == CASHIER).failed_pins == 1
    assert pins._ahead == {}


def test_no_background_check_for_a_server_or_a_missing_file(tmp_path: Path) -> None:
    assert pin_ahead.check_in_background("postgresql://u@localhost/x", PIN) is None
    assert pin_ahead.check_in_background(str(tmp_path / "absent.db"), PIN) is None


@pytest.mark.parametrize("pin", ["12", "123456789", "12a4", ""])
def test_a_malformed_pin_is_refused_without_counting_a_failed_try(connected, pin: str) -> None:
    add_people({CASHIER: "caissier"})
    before = JournalEntry.select().count()
    with pytest.raises(DomainError) as refused:
        people.sign_in(CASHIER, pin, "Caisse 1")
    assert refused.value.key == "err.pin.format"
    assert User.get(User.name == CASHIER).failed_pins == 0
    assert JournalEntry.select().count() == before

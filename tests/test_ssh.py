"""The counter over a real SSH link: a private sshd with a ForceCommand, ``ssh -tt`` in a pty, and
the manual's sale typed key by key (Alt+A, search, carnet, tariff, quantity 2, F4 12000, F6 Oui Oui,
F8, Ctrl+Q) to a ``file:`` printer; then the database and the decoded billets are checked.

Each key is typed once the screen that takes it is drawn: the app ignores keys typed before a
question appears, as a cashier would see it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import sshd
from support.people import SIGN_IN_KEYS, prepare_store
from support.terminal import ALT_A, CTRL_Q, ENTER, F4, TAB, Terminal, billets_sent, clean_env, sale_status
from test_print_support import billet_numbers, parse

F6 = b"\x1b[17~"
F8 = b"\x1b[19~"
CARNET_TUI = Path(sys.executable).with_name("carnet-tui")  # the installed console script

pytestmark = pytest.mark.skipif(sshd.available() is not None, reason=str(sshd.available()))


def _text(words: str) -> bytes:
    return words.encode("utf-8")


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


def test_manual_sale_over_ssh(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    db = tmp_path / "carnet.db"
    out = tmp_path / "billets.bin"
    subprocess.run([str(CARNET_TUI), "--db", str(db), "init", "--demo"], env=env, check=True,
                   capture_output=True, timeout=60)
    prepare_store(str(db), {"desk-1": "caissier"})  # who signs in; the desk's till opened
    server_env = {"CARNET_CONFIG": env["CARNET_CONFIG"], "LANG": "C.UTF-8"}
    command = [str(CARNET_TUI), "--db", str(db), "--printer", f"file:{out}",
               "--data-dir", str(tmp_path / "data"), "--cashier", "desk-1"]
    with sshd.PrivateSshd(tmp_path / "sshd", command, server_env) as server:
        term = Terminal(server.client_argv(), {**env, "LANG": "C.UTF-8"}, term="xterm-256color")
        try:
            term.wait_for_text(b"Identification", limit=60)  # the sign-in, through the link
            mark = term.mark()
            settled(term)
            term.write(SIGN_IN_KEYS)
            term.wait_for_text(b"Alt+A", after=mark)  # the home screen
            mark = term.mark()
            settled(term)
            term.write(ALT_A)
            term.wait_for_text(b"Liste des Carnets", after=mark)
            mark = term.mark()
            settled(term)
            term.write(b"mohamed benn")
            term.wait_for_text(b"Bennani", after=mark)
            mark = term.mark()
            settled(term)
            term.write(TAB * 4 + b"2" + F4)
            term.wait_for_text(_text("Reçu"), after=mark)
            mark = term.mark()
            settled(term)
            term.write(b"12000" + ENTER)
            term.wait_for_text(_text("Réglé"), after=mark)
            mark = term.mark()
            settled(term)
            term.write(F6)
            term.wait_for_text(b"Imprimer les billets du carnet", after=mark)
            first = term.mark()
            settled(term)
            term.write(b"o")
            term.wait_for_text(b"A (15 billets)", after=first)  # the second carnet's question
            mark = term.mark()
            settled(term)
            term.write(b"o")
            term.wait_for(lambda: billets_sent(db) == 30, limit=60, what="30 billets sent")
            mark = term.mark()
            settled(term)
            term.write(F8)
            term.wait_for(lambda: sale_status(db) == "finalized", limit=60, what="the sale finalized")
            settled(term)
            term.write(CTRL_Q)
            assert term.wait_exit(30) == 0, term.bytes()[-800:]
        finally:
            term.stop()
    assert server.process.poll() is not None  # the daemon is gone

    with sqlite3.connect(db) as conn:
        sale = conn.execute("SELECT id, status, cashier FROM sale").fetchall()
        assert len(sale) == 1 and sale[0][1] == "finalized" and sale[0][2] == "desk-1"
        carnets = [row[0] for row in conn.execute('SELECT number FROM carnet ORDER BY "index"')]
        paid = conn.execute("SELECT SUM(amount_cents) FROM payment").fetchone()[0]
        sent = conn.execute("SELECT COUNT(*) FROM billet WHERE print_state = 'sent'").fetchone()[0]
    assert len(carnets) == 2 and sent == 30
    assert paid == 1_100_000
    docs = parse(out.read_bytes())
    numbers = billet_numbers(docs)
    assert numbers == [f"{carnet}-{n:03d}" for carnet in carnets for n in range(1, 16)]
    assert not any(doc.duplicate for doc in docs)
    assert any("TICKET DE CAISSE" in doc.text for doc in docs)

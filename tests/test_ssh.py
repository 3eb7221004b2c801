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
from pathlib import Path

import pytest
from support import sshd
from support.day import SIGN_IN_KEYS, prepare_store
from support.terminal import CTRL_Q, Terminal, clean_env, sale_status, sell, settled
from test_print_support import billet_numbers, parse

F8 = b"\x1b[19~"
CARNET_TUI = Path(sys.executable).with_name("carnet-tui")  # the installed console script

pytestmark = pytest.mark.skipif(sshd.available() is not None, reason=str(sshd.available()))


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
            sell(term, db, SIGN_IN_KEYS)
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

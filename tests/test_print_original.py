"""The first receipt is journaled like a billet: a crash after the bytes left makes the next a DUPLICATA."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from support.day import approval
from test_print_support import manual_sale, settings_for

from carnet_tui.domain.errors import DomainError
from carnet_tui.services import printing
from carnet_tui.store import db as store

DESK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from carnet_tui.settings import PrinterSettings, Settings
    from carnet_tui.store import db
    from carnet_tui.services import printing
    db.connect(sys.argv[1])
    from datetime import date
    from carnet_tui.domain.context import Context, Role
    ctx = Context(1, "amina", Role.CAISSIER, "Caisse 1", date(2019, 12, 20), 1)  # the desk's cashier
    settings = Settings(printer=PrinterSettings(url=sys.argv[3], write_timeout_s=60),
                        data_dir=Path(sys.argv[4]))
    printing.print_receipt(ctx, int(sys.argv[2]), settings)
    """
)


def _details(db_path) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [r[0] for r in conn.execute("SELECT detail FROM reprint_log WHERE what = 'receipt'")]


def test_killed_while_sending_the_original_then_the_next_print_says_duplicata(
    manual_catalog, tmp_path, db_path, ctx
):
    sale_id = manual_sale(manual_catalog)
    store.close()
    # a printer whose line is full: a named pipe, filled up, that nobody reads
    fifo = tmp_path / "printer.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    try:
        while True:
            try:
                os.write(writer, b"\0" * 4096)
            except BlockingIOError:
                break
        desk = subprocess.Popen(
            [sys.executable, "-c", DESK, str(db_path), str(sale_id), f"file:{fifo}", str(tmp_path)]
        )
        deadline = time.monotonic() + 60
        while printing.UNCONFIRMED not in _details(db_path):
            assert time.monotonic() < deadline and desk.poll() is None
            time.sleep(0.05)
        time.sleep(0.3)  # the desk is now blocked writing the receipt
        os.kill(desk.pid, signal.SIGKILL)
        desk.wait(10)
    finally:
        os.close(writer)
        os.close(reader)
    assert _details(db_path) == [printing.UNCONFIRMED]
    store.connect(str(db_path))
    out = tmp_path / "after.bin"
    with pytest.raises(DomainError):  # a DUPLICATA needs its reason
        printing.print_receipt(ctx, sale_id, settings_for(tmp_path, f"file:{out}"))
    with pytest.raises(DomainError):  # and a responsable's approval
        printing.print_receipt(ctx, sale_id, settings_for(tmp_path, f"file:{out}"), reason="coupure")
    assert printing.print_receipt(ctx, sale_id, settings_for(tmp_path, f"file:{out}"), reason="coupure",
                                  approval=approval(ctx, "reprint"))
    assert "DUPLICATA" in out.read_bytes().decode("cp858")

"""Two desks, one carnet: the lease. Desk A is a real process printing into a pseudo-terminal
printer; desk B is this test process on the same SQLite file.

While A prints (even stuck in a write), B is not offered A's sale, is refused in French, and does
not touch A's billet in flight. Once A's lease expires (A frozen with SIGSTOP: alive, silent), B
takes over; A, woken, finds out at its next billet and stops. Every billet comes out once as an
original; the one caught in flight comes out again only as DUPLICATA.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.day import approval
from test_print_support import PtyPrinter, billet_numbers, manual_sale, parse, settings_for

from carnet_tui.domain.errors import DomainError
from carnet_tui.services import print_lease, printing, sales
from carnet_tui.store.models import Billet, PrintJournal, PrintLease

REPO = Path(__file__).resolve().parents[1]
LEASE_S = 1.0  # desk A's lease: renewed every third of it while A prints

DESK_A = f"""
import sys
from pathlib import Path
from carnet_tui.store import db
from carnet_tui.services import print_lease, printing
from carnet_tui.settings import PrinterSettings, Settings

print_lease.LEASE_S = {LEASE_S}
db.connect(sys.argv[1])
from datetime import date
from carnet_tui.domain.context import Context, Role
ctx = Context(1, "amina", Role.CAISSIER, "Caisse 1", date(2019, 12, 20), 1)  # the desk's cashier
settings = Settings(printer=PrinterSettings(url=sys.argv[2], write_timeout_s=120), data_dir=Path(sys.argv[4]))

def progress(done, total):
    if done == 4:
        print("PAUSED", flush=True)
        sys.stdin.readline()

printing.print_carnet(ctx, int(sys.argv[3]), settings, progress)
print("FINISHED", flush=True)
"""


def _numbers(carnet: str, seqs) -> list[str]:
    return [f"{carnet}-{seq:03d}" for seq in seqs]


def _wait(condition, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def _freeze_outside_a_transaction(pid: int, db_path: Path) -> None:
    """SIGSTOP desk A, but never while its renewal thread holds the write lock (B would wait)."""
    for _ in range(100):
        os.kill(pid, signal.SIGSTOP)
        probe = sqlite3.connect(db_path, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return
        except sqlite3.OperationalError:
            os.kill(pid, signal.SIGCONT)
            time.sleep(0.05)
        finally:
            probe.close()
    raise AssertionError("desk A always held the write lock")


def test_second_desk_is_refused_while_the_first_prints_then_takes_over_after_expiry(
    manual_catalog, tmp_path, db_path, monkeypatch, ctx
):
    monkeypatch.setattr(print_lease, "LEASE_S", LEASE_S)
    sale_id = manual_sale(manual_catalog)
    carnet, second = sales.sale_carnets(sale_id)
    printer = PtyPrinter()
    desk_a = subprocess.Popen(
        [sys.executable, "-c", DESK_A, str(db_path), printer.url, str(carnet.carnet_id), str(tmp_path / "a")],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    out_b = tmp_path / "desk_b.bin"
    settings_b = settings_for(tmp_path, f"file:{out_b}")
    try:
        assert desk_a.stdout.readline().strip() == "PAUSED"
        printer.wait_for_cuts(4)
        printer.stop_reading()  # billet 5 hangs in A's write (timeout 120 s): A is mid-billet
        desk_a.stdin.write("go\n")
        desk_a.stdin.flush()
        fifth = Billet.get(Billet.carnet == carnet.carnet_id, Billet.seq == 5).id
        _wait(lambda: Billet.get_by_id(fifth).print_state == "pending", "billet 5 never claimed")
        in_flight = PrintJournal.get(PrintJournal.billet == fifth)

        # desk B, for three lease lengths: A's renewals keep it out, whatever it tries
        until = time.monotonic() + 3 * LEASE_S
        while time.monotonic() < until:
            assert printing.unfinished_carnets() == []  # neither A's carnet nor the sale's next one
            with pytest.raises(DomainError) as refused:
                printing.print_carnet(ctx, carnet.carnet_id, settings_b)
            assert refused.value.key == "err.print.elsewhere"
            assert refused.value.message == (
                "Le carnet N° 20191220-815 est en cours d'impression à un autre poste : "
                "réessayez quand ce poste aura fini."
            )
            with pytest.raises(DomainError):
                printing.reprint_billets(ctx, carnet.carnet_id, settings_b, "essai",
                                         approval(ctx, "reprint"), 1, 2)
            time.sleep(0.2)
        assert PrintJournal.get_by_id(in_flight.id).status == "pending"  # not marked "interrupted"
        assert not out_b.exists() or out_b.read_bytes() == b""

        # desk A freezes (alive, holding its lease, renewing nothing): the lease expires
        _freeze_outside_a_transaction(desk_a.pid, db_path)
        _wait(lambda: carnet.carnet_id in {c.carnet_id for c in printing.unfinished_carnets()},
              "A's carnet never offered after its lease expired", timeout=10 * LEASE_S)
        assert [c.number for c in printing.unfinished_carnets()] == [carnet.number, second.number]
        printing.print_carnet(ctx, carnet.carnet_id, settings_b)  # B takes over
        docs_b = parse(out_b.read_bytes())
        assert billet_numbers(docs_b) == _numbers(carnet.number, range(5, 16))
        assert [d.duplicate for d in docs_b] == [True] + [False] * 10  # billet 5 may be out at A
        assert PrintJournal.get_by_id(in_flight.id).status == "failed"  # now truly abandoned

        # A wakes up, its billet 5 goes through, and its next claim finds the carnet taken over
        os.kill(desk_a.pid, signal.SIGCONT)
        printer.resume_reading()
        _, err = desk_a.communicate(timeout=30)
        assert desk_a.returncode == 1, err
        assert "en cours d'impression à un autre poste" in err
    finally:
        if desk_a.poll() is None:
            os.kill(desk_a.pid, signal.SIGCONT)
            desk_a.kill()
            desk_a.wait()
        printer.close()
    docs_a = parse(printer.received())
    assert billet_numbers(docs_a) == _numbers(carnet.number, range(1, 6))
    assert not any(d.duplicate for d in docs_a)
    originals = [d.billet[0] for d in docs_a + docs_b if not d.duplicate]
    assert sorted(originals) == _numbers(carnet.number, range(1, 16))  # each once, as original
    assert {b.print_state for b in Billet.select().where(Billet.carnet == carnet.carnet_id)} == {"sent"}
    assert PrintLease.select().count() == 0  # both released their own lease, nobody else's
    assert [c.number for c in printing.unfinished_carnets()] == [second.number]


def test_a_lease_binds_until_it_expires_or_its_process_is_gone(manual_catalog):
    now = time.time()
    me = print_lease.new_holder()
    host = me.split(":")[0]
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # a process of this host that is gone (reaped)
    assert print_lease.binds(f"other-host:{child.pid}:ab12", now + 30)  # another machine: its word
    assert not print_lease.binds(f"other-host:{child.pid}:ab12", now - 1)  # expired
    assert not print_lease.binds(f"{host}:{child.pid}:ab12", now + 30)  # crashed here: free now
    assert print_lease.binds(f"{host}:{os.getppid()}:ab12", now + 30)  # alive here
    assert print_lease.binds(me, now + 30)  # another run of this very process


def test_print_dialog_refuses_a_carnet_printed_at_another_desk(manual_catalog, tmp_path, ctx):
    """The refusal reaches the cashier in the print dialog's words (service level here)."""
    carnet = sales.sale_carnets(manual_sale(manual_catalog))[0]
    PrintLease.create(carnet=carnet.carnet_id, holder="desk-b:4242:beef", expires_at=time.time() + 30)
    assert printing.unfinished_carnets() == []
    with pytest.raises(DomainError) as refused:
        printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, f"file:{tmp_path / 'x.bin'}"))
    assert "en cours d'impression à un autre poste" in refused.value.message
    PrintLease.update(expires_at=time.time() - 1).execute()  # that desk died on another machine
    printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, f"file:{tmp_path / 'x.bin'}"))
    assert sales.carnet_status(carnet.carnet_id).print_status == "printed"
    assert PrintLease.select().count() == 0


def test_a_schema_2_store_gets_the_lease_table(db_path):
    from carnet_tui.store import db as store
    from carnet_tui.store.models import Setting

    database = store.connect(str(db_path))
    database.execute_sql("DROP TABLE print_lease")
    Setting.update(value="2").where(Setting.key == "schema_version").execute()
    store.close()
    database = store.connect(str(db_path))
    assert store.schema_version(database) == store.SCHEMA_VERSION  # migrated up to the latest
    assert database.table_exists("print_lease")
    store.close()

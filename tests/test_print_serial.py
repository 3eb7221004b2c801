"""Billets through a real serial port: python-escpos' Serial class into a pseudo-terminal pair.

What the far end receives is decoded (tests/test_print_support.parse) and asserted on: the billet
numbers in order, the validity line, the QR payload, DUPLICATA where a billet may already be out.
Faults: the printer stops reading (the write timeout fires), the printer is unplugged, the printing
process is killed with SIGKILL; each time, resuming prints exactly the billets not confirmed sent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.day import counter_context
from test_print_support import PtyPrinter, billet_numbers, manual_sale, parse, settings_for

from carnet_tui.services import printing, sales
from carnet_tui.store.models import Billet, Carnet, PrintJournal, ReprintLog

REPO = Path(__file__).resolve().parents[1]


def _numbers(carnet: str, seqs) -> list[str]:
    return [f"{carnet}-{seq:03d}" for seq in seqs]


def _states(carnet_id: int) -> list[str]:
    return [b.print_state for b in Billet.select().where(Billet.carnet == carnet_id).order_by(Billet.seq)]


@pytest.fixture
def printer():
    device = PtyPrinter()
    yield device
    device.close()


def test_two_carnets_come_out_in_order_with_validity_and_qr(manual_catalog, tmp_path, printer, ctx):
    sale_id = manual_sale(manual_catalog)
    settings = settings_for(tmp_path, printer.url)
    progress: list[tuple[int, int]] = []
    carnets = sales.sale_carnets(sale_id)
    assert [c.number for c in carnets] == ["20191220-815", "20191220-815A"]
    for carnet in carnets:
        printing.print_carnet(ctx, carnet.carnet_id, settings, lambda k, n: progress.append((k, n)))
    printer.wait_for_cuts(30)
    docs = parse(printer.received())
    expected = _numbers("20191220-815", range(1, 16)) + _numbers("20191220-815A", range(1, 16))
    assert billet_numbers(docs) == expected
    for doc in docs:
        number, seq, count = doc.billet
        # native GS ( k, payload = the billet number signed for the door (issue 11)
        assert [qr.split(".")[0] for qr in doc.qr] == [number] and "." in doc.qr[0]
        assert doc.images == 0  # no image anywhere
        assert "Valable jusqu'au 17/02/2020 inclus" in doc.lines
        assert f"{seq}/{count}" in doc.text and count == 15
        assert "Karim Benjelloun - Visiteur" in doc.lines
        assert "Carnet 15 entrées" in doc.lines  # é arrived through CP858
        assert not doc.duplicate
        assert doc.resets == 1  # each billet starts with ESC @ then the code page (parse checks)
    assert progress[:2] == [(0, 15), (1, 15)] and progress[15] == (15, 15) and progress[-1] == (15, 15)
    assert all(c.print_status == "printed" for c in sales.sale_carnets(sale_id))
    assert PrintJournal.select().where(PrintJournal.status == "sent").count() == 30
    assert printing.unfinished_carnets() == []
    # printing a finished carnet again prints nothing (reprints are a separate, logged action)
    before = len(printer.received())
    printing.print_carnet(ctx, carnets[0].carnet_id, settings)
    time.sleep(0.2)
    assert len(printer.received()) == before


def _resume_and_check(carnet, tmp_path, sent_before: int) -> list:
    """Resume on a fresh line; the billets that come out are exactly those not confirmed sent."""
    ctx = counter_context()
    fresh = PtyPrinter()
    try:
        printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, fresh.url))
        fresh.wait_for_cuts(15 - sent_before)
        docs = parse(fresh.received())
    finally:
        fresh.close()
    assert billet_numbers(docs) == _numbers(carnet.number, range(sent_before + 1, 16))
    return docs


@pytest.mark.parametrize("fault", ["stops_reading", "unplugged"])
def test_fault_mid_carnet_then_resume_prints_only_missing_billets(
    manual_catalog, tmp_path, printer, fault, ctx
):
    sale_id = manual_sale(manual_catalog)
    carnet = sales.sale_carnets(sale_id)[0]
    settings = settings_for(tmp_path, printer.url, write_timeout=0.5)

    def progress(done: int, total: int) -> None:
        if done == 6:  # the printer goes wrong once billet 6 is out
            printer.wait_for_cuts(6)
            printer.stop_reading() if fault == "stops_reading" else printer.unplug()

    with pytest.raises(printing.PrinterError) as caught:
        printing.print_carnet(ctx, carnet.carnet_id, settings, progress)
    error = caught.value
    assert error.kind == ("timeout" if fault == "stops_reading" else "unplugged")
    assert error.message.startswith("L'imprimante")
    seen = billet_numbers(parse(printer.received()))
    assert seen[:6] == _numbers(carnet.number, range(1, 7))
    states = _states(carnet.carnet_id)
    assert states[:6] == ["sent"] * 6 and states[6] == "pending" and states[7:] == ["unprinted"] * 8
    failed = PrintJournal.get(PrintJournal.status == "failed")
    assert failed.billet.seq == 7 and failed.error.startswith(error.kind)
    # the carnet cut short, and the sale's next one never started: both still owed
    assert [c.number for c in printing.unfinished_carnets()] == [carnet.number, "20191220-815A"]
    assert sales.carnet_status(carnet.carnet_id).print_status == "partial"

    docs = _resume_and_check(carnet, tmp_path, sent_before=6)
    # billet 7 may have come out (in part) before the fault: its second copy says DUPLICATA
    assert [d.duplicate for d in docs] == [True] + [False] * 8
    assert _states(carnet.carnet_id) == ["sent"] * 15
    assert [c.number for c in printing.unfinished_carnets()] == ["20191220-815A"]
    log = ReprintLog.get()
    assert log.what == "billets" and log.detail.startswith(f"{carnet.number}-007 duplicata")
    # the second carnet prints untouched afterwards
    other = sales.sale_carnets(sale_id)[1]
    fresh = PtyPrinter()
    try:
        printing.print_carnet(ctx, other.carnet_id, settings_for(tmp_path, fresh.url))
        fresh.wait_for_cuts(15)
        assert billet_numbers(parse(fresh.received())) == _numbers("20191220-815A", range(1, 16))
    finally:
        fresh.close()


CHILD = """
import sys
from pathlib import Path
from carnet_tui.store import db
from carnet_tui.services import printing
from carnet_tui.settings import PrinterSettings, Settings

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


def test_killed_mid_carnet_then_resume(manual_catalog, tmp_path, db_path, printer):
    sale_id = manual_sale(manual_catalog)
    carnet = sales.sale_carnets(sale_id)[1]  # …-815A
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), printer.url, str(carnet.carnet_id), str(tmp_path)],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout.readline().strip() == "PAUSED"
        printer.wait_for_cuts(4)
        printer.stop_reading()  # billet 5 will hang in write() (timeout 120 s): kill it there
        child.stdin.write("go\n")
        child.stdin.flush()
        deadline = time.monotonic() + 20
        fifth = Billet.get(Billet.carnet == carnet.carnet_id, Billet.seq == 5).id
        while (state := Billet.get_by_id(fifth).print_state) != "pending":
            assert state == "unprinted" and time.monotonic() < deadline, f"billet 5 is {state}"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert billet_numbers(parse(printer.received()))[:4] == _numbers(carnet.number, range(1, 5))
    assert _states(carnet.carnet_id) == ["sent"] * 4 + ["pending"] + ["unprinted"] * 10
    assert PrintJournal.get(PrintJournal.status == "pending").billet.seq == 5  # nobody closed it
    # the dead process's lease binds nobody: both carnets of the closed sale are offered
    assert [c.number for c in printing.unfinished_carnets()] == ["20191220-815", "20191220-815A"]

    docs = _resume_and_check(carnet, tmp_path, sent_before=4)
    assert [d.duplicate for d in docs] == [True] + [False] * 10
    assert _states(carnet.carnet_id) == ["sent"] * 15
    crashed = PrintJournal.select().join(Billet).where(Billet.seq == 5, Billet.carnet == carnet.carnet_id)
    assert sorted((j.duplicate, j.status) for j in crashed) == [(False, "failed"), (True, "sent")]
    assert PrintJournal.select().where(PrintJournal.status == "pending").count() == 0
    assert Carnet.get_by_id(carnet.carnet_id).number == "20191220-815A"


def test_printer_that_says_no_paper_prints_nothing(manual_catalog, tmp_path, ctx):
    # a real printer answers DLE EOT 1 with 0x12 (online) and DLE EOT 4 with 0x72 (paper end)
    device = PtyPrinter(answers={b"\x10\x04\x01": b"\x12", b"\x10\x04\x04": b"\x72"})
    try:
        sale_id = manual_sale(manual_catalog)
        carnet = sales.sale_carnets(sale_id)[0]
        with pytest.raises(printing.PrinterError) as caught:
            printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, device.url))
        assert caught.value.kind == "no_paper" and "papier" in caught.value.message
        assert _states(carnet.carnet_id) == ["unprinted"] * 15
        assert parse(device.received()) == []
    finally:
        device.close()


def test_silent_printer_is_unknown_not_ok(tmp_path, printer):
    from carnet_tui.printing.devices import open_device

    settings = settings_for(tmp_path, printer.url)
    with open_device(settings.printer, settings.data_dir) as device:
        assert device.printer._device.write_timeout == 0.5  # always set: python-escpos leaves None
        assert device.status() == "unknown"

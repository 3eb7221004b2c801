"""The door screen driven by keys (Pilot, 80×24): the manual's sale printed through python-escpos
into a file, each QR read back by the ESC/POS reader written from the reference
(tests/test_print_support.parse), then typed into *Contrôle d'accès* as a scanner would."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from support.door import agent, door_app, door_store, scan
from test_print_support import DAY, parse

from carnet_tui.domain.door import Reason, ScanKind
from carnet_tui.domain.door import parse as parse_scan
from carnet_tui.services import door
from carnet_tui.store import db as store
from carnet_tui.store.models import Entry

SIZE = (80, 24)
LAST = date(2020, 2, 17)


@pytest.fixture
def printed(tmp_path):
    built = door_store(tmp_path)
    yield built.settings, built.paper, built.voided
    store.close()


async def test_manual_sale_at_the_door(printed):
    settings, paper, voided_billet = printed
    docs = parse(paper)
    qrs = [qr for d in docs for qr in d.qr]
    assert len(qrs) == 30
    assert all(parse_scan(q).kind is ScanKind.SIGNED for q in qrs)
    assert [d.billet[0] for d in docs] == [parse_scan(q).number for q in qrs]  # text keeps the number
    assert all("." not in line for d in docs for line in d.lines if "-0" in line and "/" in line)
    app = door_app(settings, DAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+c")
        await pilot.pause()
        screen = app.screen
        assert screen.id == "door-screen"
        for number, qr in enumerate(qrs, 1):
            await scan(pilot, qr)
            assert screen.last.accepted, (qr, screen.last)
            seq = (number - 1) % 15 + 1
            assert (screen.last.entry_number, screen.last.left) == (seq, 15 - seq)
            assert not screen.last.manual
        assert "reste 0" in str(screen.query_one("#door-lines").render())
        for qr in qrs:
            await scan(pilot, qr)
            assert screen.last.reason is Reason.USED
        assert "DÉJÀ UTILISÉ" in str(screen.query_one("#door-reason").render())
        assert Entry.select().count() == 30
        await scan(pilot, door.qr_text(voided_billet))
        assert screen.last.reason is Reason.VOIDED
        assert "annulée : erreur de tarif" in str(screen.query_one("#door-lines").render())
        # one day after the last valid day, a billet never scanned: expiré
        app.context = agent(LAST + timedelta(days=1))
        await scan(pilot, qrs[0])
        assert screen.last.reason is Reason.EXPIRED
        assert "17/02/2020" in str(screen.query_one("#door-lines").render())


async def test_manual_entry_balance_and_report(printed):
    settings, paper, _voided = printed
    qrs = [qr for d in parse(paper) for qr in d.qr]
    app = door_app(settings, DAY)
    bells = []
    async with app.run_test(size=SIZE) as pilot:
        app.bell = lambda: bells.append(1)
        await pilot.press("alt+c")
        await pilot.pause()
        screen = app.screen
        # the agent types the number read on the paper: slow keys, a manual entry
        await scan(pilot, "20191220-815-002", slow=0.06)
        assert screen.last.accepted and screen.last.manual
        await scan(pilot, qrs[0])
        assert screen.last.accepted and not screen.last.manual
        assert bells == []
        await scan(pilot, qrs[0][:-1] + ("Q" if qrs[0][-1] != "Q" else "R"))  # altered
        assert screen.last.reason is Reason.SIGNATURE and bells == [1]
        assert "SIGNATURE INVALIDE" in str(screen.query_one("#door-reason").render())
        # F2: the balance of the last billet's carnet
        await scan(pilot, qrs[2])
        await pilot.press("f2")
        await pilot.pause()
        lines = str(screen.query_one("#door-lines").render())
        assert "utilisés 3/15, reste 12" in lines and "Porte 1" in lines
        assert "20191220-815A" in lines  # the client's other carnet, with what is left
        # F3: today's entries; F9 prints them
        await pilot.press("f3")
        await pilot.pause()
        assert screen.report is not None and screen.report.accepted == 3
        await pilot.press("f9")
        for _ in range(100):
            if (settings.data_dir / "x").exists() or b"ENTR" in _printer_bytes(settings):
                break
            await pilot.pause(0.02)
        assert "ENTRÉES".encode("cp858") in _printer_bytes(settings)


def _printer_bytes(settings) -> bytes:
    from pathlib import Path

    path = Path(settings.printer.url.removeprefix("file:"))
    return path.read_bytes() if path.exists() else b""

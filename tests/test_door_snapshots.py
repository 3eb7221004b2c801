"""The door screen at 80×24 (TERM=linux, 16 colours): a snapshot for each verdict, the balance and the
entries report. Times are fixed (the first entry's row is set to 10:32) so the pictures are stable.
Regenerate with ``pytest tests/test_door_snapshots.py --snapshot-update`` after a deliberate change."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from support.door import agent, door_app, door_store, scan
from test_print_support import DAY, parse

from carnet_tui.domain.door import Reason
from carnet_tui.services import door
from carnet_tui.store import db as store
from carnet_tui.store.models import Entry

SIZE = (80, 24)
LAST = date(2020, 2, 17)


@pytest.fixture
def built(tmp_path, monkeypatch):
    monkeypatch.setenv("TERM", "linux")
    made = door_store(tmp_path)
    yield made
    store.close()


def first_qr(built) -> str:
    return parse(built.paper)[3].qr[0]  # 20191220-815-004


def scanned(text_of, today: date = DAY, before=None, expected: Reason | None = None):
    async def run_before(pilot) -> None:
        if before is not None:
            before()
        pilot.app.context = agent(today)
        await pilot.press("alt+c")
        await pilot.pause()
        await scan(pilot, text_of())
        assert pilot.app.screen.last.reason is expected, pilot.app.screen.last
        await pilot.pause()

    return run_before


def _used_at_10_32(qr: str):
    def before() -> None:
        assert door.check_in(agent(DAY), qr).accepted
        Entry.update(at=datetime(2019, 12, 20, 10, 32)).execute()

    return before


CASES = ["accepted", "used", "expired", "not_yet", "voided", "unknown", "unprinted", "signature", "unsigned"]


@pytest.mark.parametrize("case", CASES)
def test_verdict(snap_compare, built, case) -> None:
    qr = first_qr(built)
    number = qr.split(".")[0]
    plan = {
        "accepted": (lambda: qr, DAY, None, None),
        "used": (lambda: qr, DAY + timedelta(days=1), _used_at_10_32(qr), Reason.USED),
        "expired": (lambda: qr, LAST + timedelta(days=1), None, Reason.EXPIRED),
        "not_yet": (lambda: qr, DAY - timedelta(days=1), None, Reason.NOT_YET),
        "voided": (lambda: door.qr_text(built.voided), DAY, None, Reason.VOIDED),
        "unknown": (lambda: door.qr_text("20191220-999-001"), DAY, None, Reason.UNKNOWN),
        "unprinted": (lambda: door.qr_text(built.unprinted), DAY, None, Reason.UNPRINTED),
        "signature": (lambda: qr[:-2] + ("AA" if qr[-2:] != "AA" else "BB"), DAY, None, Reason.SIGNATURE),
        "unsigned": (lambda: number, DAY, None, Reason.UNSIGNED),
    }[case]
    text_of, today, before, expected = plan
    app = door_app(built.settings, today)
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=scanned(text_of, today, before, expected))


def test_balance(snap_compare, built) -> None:
    qrs = [q for d in parse(built.paper) for q in d.qr]

    async def run_before(pilot) -> None:
        for qr in qrs[:4]:
            door.check_in(agent(DAY), qr)
        Entry.update(at=datetime(2019, 12, 20, 10, 32)).execute()
        await pilot.press("alt+c")
        await pilot.pause()
        for char in "20191220-815-002":
            await pilot.press(char)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(door_app(built.settings, DAY), terminal_size=SIZE, run_before=run_before)

"""Two doors, one billet: two processes (each its own connection) scanning the same 1 000 billets at
once accept each exactly once, on SQLite and on PostgreSQL."""

from __future__ import annotations

import multiprocessing

import pytest
from support.door import scan_all

from bench.door_bench import build_billets
from carnet_tui.services import door, journal
from carnet_tui.store import db as store
from carnet_tui.store.models import Entry, JournalEntry

pytestmark = pytest.mark.both_stores
BILLETS = 1000


def test_two_doors_accept_each_billet_once(connected, store_location):
    numbers = build_billets(BILLETS)
    door.ensure_key()
    texts = [door.qr_text(n) for n in numbers]
    store.close()
    spawn = multiprocessing.get_context("spawn")
    start, out = spawn.Event(), spawn.Queue()
    # the same billets, one door from the first, the other from the last: they meet in the middle,
    # and both also race on every billet (a third pass in the same order)
    plans = {"Porte 1": texts + texts[::-1], "Porte 2": texts[::-1] + texts}
    doors = [spawn.Process(target=scan_all, args=(store_location, desk, plan, start, out))
             for desk, plan in plans.items()]
    for process in doors:
        process.start()
    start.set()
    results = {}
    for _ in doors:
        desk, accepted, reasons = out.get(timeout=600)
        results[desk] = (accepted, reasons)
    for process in doors:
        process.join(timeout=60)
        assert process.exitcode == 0
    first, second = results["Porte 1"][0], results["Porte 2"][0]
    assert first and second  # both doors let people in: they did race
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(numbers)
    assert len(first) + len(second) == BILLETS
    refused = {k: results["Porte 1"][1].get(k, 0) + results["Porte 2"][1].get(k, 0) for k in ("used",)}
    assert refused == {"used": 4 * BILLETS - BILLETS}
    store.connect(store_location)
    assert Entry.select().count() == BILLETS
    assert JournalEntry.select().where(JournalEntry.kind == "door_entry").count() == 4 * BILLETS
    checked = journal.verify()
    assert checked.ok or (checked.bad_seq is None and checked.fault is journal.Fault.UNJOURNALED)

"""store.write while another desk (a real second process) holds the write lock: the busy hook hears of
it while it lasts, the write goes through once the lock is released, the connection gets its long
wait back."""

from __future__ import annotations

import time

from carnet_tui.store import db as store
from carnet_tui.store.models import Setting, database
from tests.support.desks import lock_held


def busy_timeout_ms() -> int:
    return database.obj.execute_sql("PRAGMA busy_timeout").fetchone()[0]


def test_the_busy_hook_hears_of_the_lock_while_it_lasts(connected, db_path) -> None:
    heard: list[float] = []
    with lock_held(db_path, 1.5) as desk:
        started = time.monotonic()
        store.write(lambda: Setting.create(key="k", value="v"), on_busy=heard.append)
        waited = time.monotonic() - started
        assert desk.poll() is not None or waited >= 1.0  # it did wait for the other desk
    assert Setting.get(Setting.key == "k").value == "v"
    assert heard, "the hook was never told"
    assert heard[0] < 0.8  # told early, not after SQLite's whole busy timeout
    assert heard == sorted(heard) and len(heard) >= 3  # and again while the lock lasted
    assert busy_timeout_ms() == store.BUSY_TIMEOUT_S * 1000


def test_the_hook_of_a_thread_reaches_the_writes_of_the_services(connected, db_path) -> None:
    heard: list[float] = []
    with lock_held(db_path, 1.0), store.busy_hook(heard.append):
        store.write(lambda: Setting.create(key="k2", value="v"))
    assert heard
    assert busy_timeout_ms() == store.BUSY_TIMEOUT_S * 1000


def test_without_a_hook_a_write_waits_quietly_as_before(connected, db_path) -> None:
    with lock_held(db_path, 1.0):
        store.write(lambda: Setting.create(key="k3", value="v"))
    assert Setting.get(Setting.key == "k3").value == "v"
    assert busy_timeout_ms() == store.BUSY_TIMEOUT_S * 1000

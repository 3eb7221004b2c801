"""The counter draws its home screen first and opens the store after it (start-up time)."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

from textual.widgets import OptionList

from carnet_tui.domain.context import Context, Role
from carnet_tui.domain.errors import DomainError
from carnet_tui.services import demo
from carnet_tui.settings import Settings
from carnet_tui.store import db as store
from carnet_tui.store.models import database
from carnet_tui.ui.app import CarnetApp


async def test_alt_a_typed_before_the_store_is_open_waits_for_it(tmp_path: Path):
    location = str(tmp_path / "late.db")
    database.initialize(None)  # a window that queried before the store is open would crash
    opened = threading.Event()

    def open_store() -> None:
        time.sleep(0.3)  # the store is still opening when the cashier presses Alt+A
        store.connect(location)
        demo.load_demo()
        opened.set()

    ctx = Context(1, "amina", Role.CAISSIER, "Caisse 1", date(2019, 12, 20))  # signed in (no store yet)
    app = CarnetApp(Settings(db=location), open_store=open_store, context=ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("alt+a")
        assert opened.is_set()
        await pilot.pause()
        assert app.screen.id == "sale-screen"
        models = app.screen.query_one("#carnet-list", OptionList)
        assert models.option_count >= 3
        assert app.return_code is None and app.refusal is None
    store.close()


async def test_a_store_refused_after_the_first_frame_ends_the_app_with_its_message(tmp_path: Path):
    def open_store() -> None:
        raise DomainError("err.db.newer", found=99, supported=store.SCHEMA_VERSION)

    app = CarnetApp(Settings(db=str(tmp_path / "x.db")), open_store=open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            await pilot.pause(0.01)
            if app.refusal:
                break
    assert app.return_code == 2
    assert app.refusal is not None and "mettez carnet-tui à jour" in app.refusal


async def test_the_pin_typed_before_the_store_is_open_signs_in(tmp_path: Path):
    """The first screen is the sign-in; the PIN, Enter and Alt+A typed while the store still opens
    wait for it: the names, the sign-in, then the sale window."""
    from support.day import add_people

    location = str(tmp_path / "late.db")
    store.connect(location)
    demo.load_demo(with_users=False)
    add_people({"amina": "caissier"})
    store.close()
    database.initialize(None)

    def open_store() -> None:
        time.sleep(0.3)
        store.connect(location)

    app = CarnetApp(Settings(db=location), open_store=open_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"1234", "enter", "alt+a")
        for _ in range(200):
            await pilot.pause(0.01)
            if app.screen.id == "sale-screen":
                break
        assert app.screen.id == "sale-screen" and app.context is not None
        assert app.context.user == "amina"
    store.close()

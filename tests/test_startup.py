"""The collector, off while the counter starts (cli.cmd_run), is back after the first frame, and
only there: an app started with it on (every other way) leaves it alone."""

from __future__ import annotations

import gc

import pytest
from support.ui import make_app

from carnet_tui.ui import app as app_module


@pytest.fixture
def gc_restored():
    yield
    gc.enable()


async def test_the_collector_comes_back_after_the_start(ui_settings, monkeypatch, gc_restored) -> None:
    monkeypatch.setattr(app_module, "GC_AFTER_START_S", 0.2)
    gc.disable()  # as the CLI leaves it
    app = make_app(ui_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        assert not gc.isenabled()
        await pilot.pause(0.5)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # the start-up's objects set apart
    gc.unfreeze()


async def test_an_app_started_with_the_collector_on_leaves_it_alone(ui_settings, monkeypatch) -> None:
    monkeypatch.setattr(app_module, "GC_AFTER_START_S", 0.05)
    frozen = gc.get_freeze_count()
    app = make_app(ui_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert gc.isenabled() and gc.get_freeze_count() == frozen

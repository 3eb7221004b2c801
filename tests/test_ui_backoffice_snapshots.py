"""Snapshots at 80×24 of the back office (issue 13): the models and their tariffs, a tariff's form
with a refusal under its field, the clients, the likely duplicates.

Regenerate with ``pytest tests/test_ui_backoffice_snapshots.py --snapshot-update`` after a
deliberate change.
"""

from __future__ import annotations

import pytest
from support.backoffice import back_office_app, responsable, yes
from support.ui import demo_settings, settle, type_text, wait_until

from carnet_tui.domain.clients import ClientInput
from carnet_tui.services import backoffice as bo
from carnet_tui.ui.screens.backoffice_clients import ClientsScreen, DuplicatesScreen
from carnet_tui.ui.screens.backoffice_forms import TariffDialog
from carnet_tui.ui.screens.backoffice_models import ModelsScreen

SIZE = (80, 24)


@pytest.fixture
def ui_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("CARNET_CASHIER", "amina")
    yield from demo_settings(tmp_path)


async def open_models(pilot) -> None:
    await settle(pilot)
    await pilot.app.run_action("open_models")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ModelsScreen))
    await settle(pilot)


def test_models_and_their_tariffs(snap_compare, ui_settings) -> None:
    app = back_office_app(ui_settings, responsable())
    assert snap_compare(app, terminal_size=SIZE, run_before=open_models)


def test_a_tariff_refused_where_typed(snap_compare, ui_settings) -> None:
    async def run_before(pilot) -> None:
        await open_models(pilot)
        await pilot.press("tab", "f3")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TariffDialog))
        await type_text(pilot, "Tarif été")
        await pilot.press("tab")
        await type_text(pilot, "100 000 000")
        await pilot.press("enter")
        await settle(pilot)

    app = back_office_app(ui_settings, responsable())
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_clients(snap_compare, ui_settings) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.app.run_action("open_clients")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ClientsScreen))
        await type_text(pilot, "moh")
        await settle(pilot)
        await wait_until(pilot, lambda: "moh" == pilot.app.screen.search_text())
        await settle(pilot)

    app = back_office_app(ui_settings, responsable())
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_duplicates(snap_compare, ui_settings) -> None:
    ctx = responsable()
    bo.create_client(ctx, yes(ctx), ClientInput("Élodie Chérif", "A", "0657998482"))
    bo.create_client(ctx, yes(ctx), ClientInput("ELODIE CHERIF", "A"))

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.app.run_action("open_clients")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ClientsScreen))
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, DuplicatesScreen))
        await settle(pilot)

    assert snap_compare(back_office_app(ui_settings, ctx), terminal_size=SIZE, run_before=run_before)

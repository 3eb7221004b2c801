"""Historique des ventes (F5): find the manual's sale 815 once finalized, reprint billets 3 to 5 of its
carnet 815A with a reason (DUPLICATA, only those three reach the printer), Escape back. Keys only."""

from __future__ import annotations

import dataclasses

import pytest
from support.ui import (
    demo_settings,
    make_app,
    open_sale,
    pay_cash,
    pick_manual_line,
    settle,
    type_text,
    wait_until,
)

from carnet_tui.store.models import ReprintLog
from carnet_tui.ui.screens.dialogs import InfoDialog, MenuDialog, PrintCarnetDialog, RangeDialog
from carnet_tui.ui.screens.history import HistoryScreen
from carnet_tui.ui.screens.home import HomeScreen
from carnet_tui.ui.screens.sale import SaleScreen

SIZE = (80, 24)
CASHIER = "amina"  # the history shows who sold: a responsable here (voids, reprints self-approved)


@pytest.fixture
def ui_settings(tmp_path):
    yield from demo_settings(tmp_path)


def row_texts(app, selector: str, row: int) -> list[str]:
    return [str(cell).strip() for cell in app.screen.query_one(selector).get_row_at(row)]


async def sell_print_and_finalize(pilot) -> None:
    """The manual's sale: 2 carnets, both printed (Oui, Oui), then F8."""
    app = pilot.app
    await open_sale(pilot)
    await pick_manual_line(pilot, "2")
    await pay_cash(pilot, "12000")
    await pilot.press("f6")
    await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
    await pilot.press("o")
    await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog)
                     and "815A" in str(app.screen.query_one("#print-question").render()))
    await pilot.press("o")
    await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
    await pilot.press("f8")
    await settle(pilot)


async def test_history_finds_815_and_reprints_billets_3_to_5_of_815A(ui_settings, tmp_path) -> None:
    out = tmp_path / "out.bin"
    settings = dataclasses.replace(ui_settings, printer=dataclasses.replace(ui_settings.printer,
                                                                             url=f"file:{out}"))
    app = make_app(settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await sell_print_and_finalize(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.focused.id == "history-filter"
        await type_text(pilot, "815")
        await settle(pilot)
        sales_table = app.screen.query_one("#history-sales")
        assert sales_table.row_count == 1
        number, day, cashier, total, status, billets = row_texts(app, "#history-sales", 0)
        assert (number, day, cashier, total, status, billets) == (
            "815", "20/12/2019", "amina", "11 000,00 DH", "finalisée", "30/30")
        await pilot.press("enter")  # to the sales
        assert app.screen.focused.id == "history-sales"
        await pilot.press("enter")  # to its carnets
        assert app.screen.focused.id == "history-carnets"
        assert [row_texts(app, "#history-carnets", i)[0] for i in (0, 1)] == ["20191220-815", "20191220-815A"]
        await pilot.press("down", "f7")
        assert isinstance(app.screen, MenuDialog)
        keys = [option.id for option in app.screen.query_one("#menu").options]
        assert "print" not in keys and "815A" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press(*["down"] * keys.index("billets_range"), "enter")
        assert isinstance(app.screen, RangeDialog)
        printed_before = out.stat().st_size
        await pilot.press("3", "tab", "5", "tab")
        await type_text(pilot, "bourrage papier")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen)
                         and ReprintLog.select().where(ReprintLog.what == "billets").exists())
        await settle(pilot)
        sent = out.read_bytes()[printed_before:].decode("cp858")
        assert sent.count("DUPLICATA") == 3
        for seq in ("003", "004", "005"):
            assert f"20191220-815A-{seq}" in sent
        for seq in ("001", "002", "006", "015"):
            assert f"20191220-815A-{seq}" not in sent
        assert "20191220-815-0" not in sent
        log = ReprintLog.get(ReprintLog.what == "billets")
        assert log.reason == "bourrage papier" and "815A 3-5" in log.detail
        assert "DUPLICATA" in str(app.screen.query_one("#history-carnets").border_subtitle)

        await pilot.press("shift+tab", "f7")  # on the sales table: the sale's own actions
        assert isinstance(app.screen, MenuDialog)
        assert [o.id for o in app.screen.query_one("#menu").options] == ["receipt", "invoice", "history"]
        await pilot.press("end", "enter")
        assert isinstance(app.screen, InfoDialog)
        assert "bourrage papier" in str(app.screen.query_one("#info-body").render())
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen)  # F5 was pressed in the sale window


async def test_history_from_home_filters_and_goes_back(ui_settings) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await sell_print_and_finalize(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("down", "enter")  # Ventes menu: Historique des ventes
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await type_text(pilot, "815a")  # a carnet number
        await settle(pilot)
        assert app.screen.query_one("#history-sales").row_count == 1
        await type_text(pilot, "%_")  # nothing can match: said in the frame, no crash
        await settle(pilot)
        assert app.screen.query_one("#history-sales").row_count == 0
        assert "aucune" in str(app.screen.query_one("#history-sales").border_subtitle)
        await pilot.press("f7")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f5", "alt+a")  # Alt+A from the history: the window, history left
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)

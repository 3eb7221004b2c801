"""F6 prints the sale's receipt (ticket de caisse) before the billet dialogs; a failing printer gets
Réessayer / Plus tard, and the receipt stays printable, as the original, from the actions menu."""

from __future__ import annotations

import dataclasses

from support.ui import (
    make_app,
    open_sale,
    pay_cash,
    pick_manual_line,
    type_text,
    wait_until,
)

from carnet_tui.store.models import ReprintLog
from carnet_tui.ui.screens.dialogs import MenuDialog, PrintCarnetDialog, ReasonDialog, RetryDialog
from carnet_tui.ui.screens.sale import SaleScreen

SIZE = (80, 24)




def with_printer(settings, url: str):
    return dataclasses.replace(settings, printer=dataclasses.replace(settings.printer, url=url))


def question(app) -> str:
    return str(app.screen.query_one("#print-question").render())


async def answer_no_to_both(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog) and "815 " in question(app))
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog) and "815A" in question(app))
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))


async def test_f6_prints_the_original_receipt_before_the_billets(ui_settings, tmp_path) -> None:
    out = tmp_path / "out.bin"
    app = make_app(with_printer(ui_settings, f"file:{out}"))
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "12000")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        text = out.read_bytes().decode("cp858")  # the receipt is out before the first billet question
        assert "TICKET DE CAISSE" in text and "Vente N° 815" in text
        assert "20191220-815A" in text and "11 000,00" in text
        assert "DUPLICATA" not in text and "20191220-815-001" not in text  # no billet yet
        assert ReprintLog.select().where(ReprintLog.what == "receipt").count() == 1
        await answer_no_to_both(pilot)


async def test_receipt_printer_fault_retry_then_later_then_actions_menu(ui_settings, tmp_path) -> None:
    out = tmp_path / "printer" / "out.bin"  # the folder is missing: the printer is unplugged
    app = make_app(with_printer(ui_settings, f"file:{out}"))
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, RetryDialog))
        assert "815" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("r")  # Réessayer: still unplugged, asked again
        await wait_until(pilot, lambda: isinstance(app.screen, RetryDialog))
        await pilot.press("p")  # Plus tard: on to the billets
        await answer_no_to_both(pilot)
        assert "F7" in str(app.screen.query_one("#sold-table").border_subtitle)
        assert not ReprintLog.select().exists()

        out.parent.mkdir()  # plugged back in: the receipt from the actions menu is the original
        await pilot.press("f7")
        assert isinstance(app.screen, MenuDialog)
        keys = [option.id for option in app.screen.query_one("#menu").options]
        await pilot.press(*["down"] * keys.index("receipt"), "enter")  # Imprimer le ticket
        assert isinstance(app.screen, ReasonDialog)
        await type_text(pilot, "client parti")
        await pilot.press("enter")
        await wait_until(pilot, lambda: out.exists() and ReprintLog.select().exists())
        text = out.read_bytes().decode("cp858")
        assert "TICKET DE CAISSE" in text and "DUPLICATA" not in text
        log = ReprintLog.get()
        assert (log.what, log.detail) == ("receipt", "original")


async def test_receipt_retry_succeeds_once_the_printer_is_back(ui_settings, tmp_path) -> None:
    out = tmp_path / "printer" / "out.bin"
    app = make_app(with_printer(ui_settings, f"file:{out}"))
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, RetryDialog))
        out.parent.mkdir()
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        assert out.read_bytes().decode("cp858").count("TICKET DE CAISSE") == 1
        await answer_no_to_both(pilot)

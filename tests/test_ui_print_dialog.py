"""The manual's print window: "Total des Billets : 15", the gauge and, beside it, the billet numbers
as they come out (N° de Carnet | N° de Billet). Keys only, 80×24, a real printer on a pty."""

from __future__ import annotations

import dataclasses
import threading

from support.ui import make_app, open_sale, pay_cash, pick_manual_line, wait_until
from test_print_support import PtyPrinter

from carnet_tui.domain.numbering import billet_number
from carnet_tui.services import sales
from carnet_tui.store.models import Billet, Carnet
from carnet_tui.ui.screens.dialogs import ConfirmDialog, PrintCarnetDialog
from carnet_tui.ui.screens.sale import SaleScreen

SIZE = (80, 24)


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def closed_sale_left_unprinted(settings) -> None:
    """The manual's sale (one carnet of 15), closed, its carnet answered Non."""
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pay_cash(pilot, "")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))


async def test_print_window_shows_the_total_and_the_numbers_as_they_come_out(ui_settings) -> None:
    await closed_sale_left_unprinted(ui_settings)
    printer = PtyPrinter()
    settings = dataclasses.replace(
        ui_settings, printer=dataclasses.replace(ui_settings.printer, url=printer.url, write_timeout_s=0.5)
    )

    def jam_after_six() -> None:  # the paper jams once 6 billets are out: the window stays open
        printer.wait_for_cuts(6, timeout=60)
        printer.stop_reading()

    jam = threading.Thread(target=jam_after_six, daemon=True)
    jam.start()
    app = make_app(settings)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("o")
            await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
            assert not app.screen.query_one("#print-window").display  # the question first
            await pilot.press("o")
            await wait_until(pilot, lambda: app.screen.state == "failed", rounds=2000)
            carnet = Carnet.get()
            done = Billet.select().where((Billet.carnet == carnet) & (Billet.print_state == "sent")).count()
            assert 6 <= done < 15
            assert text(app, "#print-total") == "Total des Billets : 15"
            assert text(app, "#print-status") == f"billet {done}/15"
            gauge = app.screen.query_one("#print-progress")
            assert (gauge.done, gauge.total) == (done, 15)
            # the last numbers out, the earlier ones folded: "...", then done-2, done-1, done
            assert text(app, "#print-numbers").split("\n") == ["N° de Carnet | N° de Billet", "..."] + [
                billet_number("20191220-815", seq, 15) for seq in range(done - 2, done + 1)
            ]
            numbers = app.screen.query_one("#print-numbers").region
            bar = app.screen.query_one("#print-progress").region
            assert numbers.x > bar.right and numbers.y <= bar.y < numbers.bottom  # beside the gauge
            assert app.screen.query_one("#print-dialog").region.bottom <= SIZE[1]
            await pilot.press("p")  # Plus tard
    finally:
        printer.close()
        jam.join(5)
    assert sales.carnet_status(carnet.id).print_status == "partial"


async def test_print_window_lists_the_first_billets_without_folding(ui_settings) -> None:
    """Fewer billets out than lines: 001, 002, 003 under the heading, no "..."."""
    await closed_sale_left_unprinted(ui_settings)
    carnet = Carnet.get()
    Billet.update(print_state="sent").where((Billet.carnet == carnet) & (Billet.seq <= 3)).execute()
    printer = dataclasses.replace(ui_settings.printer, url="serial:/dev/does-not-exist")
    app = make_app(dataclasses.replace(ui_settings, printer=printer))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        assert text(app, "#print-question") == (
            "Imprimer les billets du carnet N° 20191220-815 (12 billets restants sur 15) ?"
        )
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen.state == "failed")
        assert text(app, "#print-numbers").split("\n") == [
            "N° de Carnet | N° de Billet", "20191220-815-001", "20191220-815-002", "20191220-815-003"
        ]
        assert text(app, "#print-total") == "Total des Billets : 15"

"""The cashier's side of two refusals: an invoice without the venue's legal IDs, and a ``file:``
printer that names a file carnet-tui did not create. Keys only, 80×24, real SQLite, real files."""

from __future__ import annotations

import dataclasses

from support.ui import make_app, open_sale, pay_cash, pick_manual_line, settle, wait_until
from test_ui_printing import close_and_ask, dialog_text

from carnet_tui.settings import VenueSettings
from carnet_tui.store.models import Billet, Counter, Invoice
from carnet_tui.ui.screens.dialogs import PrintCarnetDialog, RetryDialog
from carnet_tui.ui.screens.sale import SaleScreen

SIZE = (80, 24)


async def test_invoice_without_legal_ids_is_refused_in_the_window(ui_settings) -> None:
    settings = dataclasses.replace(ui_settings, venue=VenueSettings())  # the defaults: empty IDs
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pay_cash(pilot, "")
        await close_and_ask(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await pilot.press("f7")
        options = [option.id for option in app.screen.query_one("#menu").options]
        await pilot.press(*["down"] * options.index("invoice"), "enter")
        await settle(pilot)
        # refused at once: no reason asked first, to be typed in vain
        assert isinstance(app.screen, SaleScreen)
        table = app.screen.query_one("#sold-table")
        await wait_until(pilot, lambda: "Facture refusée" in str(table.border_subtitle))
        await settle(pilot)
        assert str(table.border_subtitle) == (
            "Facture refusée, réglages venue à remplir : ICE, IF, RC, patente."
        )
        assert not Invoice.select().exists()
        assert Counter.get_or_none(Counter.name.startswith("invoice")) is None


async def test_file_printer_on_a_strangers_file_is_a_printer_error_with_retry(ui_settings, tmp_path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("à garder\n")
    printer = dataclasses.replace(ui_settings.printer, url=f"file:{other}")
    app = make_app(dataclasses.replace(ui_settings, printer=printer))
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pay_cash(pilot, "")
        await pilot.press("f6")  # the receipt first: refused, Plus tard
        await wait_until(pilot, lambda: isinstance(app.screen, RetryDialog))
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen.state == "failed")
        assert "n'a pas été créé par carnet-tui" in dialog_text(app, "#print-error")
        assert app.screen.query_one("#retry").display and app.screen.query_one("#later").display
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
    assert other.read_text() == "à garder\n"
    assert {b.print_state for b in Billet.select()} == {"unprinted"}


async def test_a_damaged_page_met_while_printing_is_said_in_french_and_logged(ui_settings) -> None:
    """A storage fault met by the print's reads (not a write) must not reach the cashier as
    SQLite's English: the French refusal, the details in carnet.log."""
    import contextlib
    import sqlite3

    from support.storage import damage_table

    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pay_cash(pilot, "")
        await close_and_ask(pilot)
        # the billets' pages into the file, then their table's root page damaged under the app
        with contextlib.closing(sqlite3.connect(ui_settings.db)) as other:
            other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        damage_table(ui_settings.db, "billet")
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen.state == "failed")
        shown = dialog_text(app, "#print-error")
        # the French refusal first (SQLite's own words only as its detail, for the technician)
        assert shown.split("\n")[1].startswith("Le fichier de la base de données est endommagé"), shown
        assert (ui_settings.data_dir / "carnet.log").exists()
        await pilot.press("p")

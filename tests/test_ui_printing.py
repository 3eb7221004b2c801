"""Printing from the window: a printer fault with Réessayer / Plus tard, unfinished carnets offered at
start, and the actions menu (reprints, invoice, history). Keys only, 80×24, real SQLite, real devices."""

from __future__ import annotations

import dataclasses

from support.ui import (
    make_app,
    open_sale,
    pay_cash,
    pick_manual_line,
    settle,
    type_text,
    wait_until,
)

from carnet_tui.store.models import Billet, Carnet, Invoice, ReprintLog
from carnet_tui.ui.screens.dialogs import (
    ConfirmDialog,
    InfoDialog,
    MenuDialog,
    PrintCarnetDialog,
    RangeDialog,
    RetryDialog,
)
from carnet_tui.ui.screens.home import HomeScreen
from carnet_tui.ui.screens.sale import SaleScreen

SIZE = (80, 24)




def printed_count(number: str) -> int:
    carnet = Carnet.get(Carnet.number == number)
    return carnet.billets.where(Billet.print_state == "sent").count()


def dialog_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def close_and_ask(pilot) -> None:
    await pilot.press("f6")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PrintCarnetDialog))


async def test_printer_fault_then_retry_continues(ui_settings, tmp_path) -> None:
    """A printer that cannot be opened: a clear message, Réessayer once it is back, Plus tard."""
    out = tmp_path / "printer" / "out.bin"  # the folder is missing: the "printer" is unplugged
    settings = dataclasses.replace(
        ui_settings, printer=dataclasses.replace(ui_settings.printer, url=f"file:{out}")
    )
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("f6")  # the receipt comes first, and fails too: Plus tard, on to the billets
        await wait_until(pilot, lambda: isinstance(app.screen, RetryDialog))
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen.state == "failed")
        assert "20191220-815" in dialog_text(app, "#print-error")
        assert app.screen.query_one("#retry").display and app.screen.query_one("#later").display
        assert printed_count("20191220-815") == 0
        out.parent.mkdir()  # plugged back in
        await pilot.press("r")  # Réessayer
        await wait_until(pilot, lambda: "815A" in dialog_text(app, "#print-question"))
        assert printed_count("20191220-815") == 15 and out.stat().st_size > 0
        out.parent.rename(tmp_path / "gone")  # unplugged again
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen.state == "failed")
        await pilot.press("p")  # Plus tard
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        assert printed_count("20191220-815A") == 0
        table = app.screen.query_one("#sold-table")
        assert [str(table.get_row_at(i)[-1]).strip() for i in (0, 1)] == ["oui", "non"]


async def sell_one_carnet_unprinted(settings) -> None:
    """The manual's line for 1 carnet, paid, closed, its billets not printed (answered Non)."""
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pay_cash(pilot, "")
        await close_and_ask(pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))


async def test_unfinished_carnets_are_offered_at_start(ui_settings) -> None:
    await sell_one_carnet_unprinted(ui_settings)
    # a crash after billet 6 of 15 (as the journal leaves it: 1-6 sent, 7 pending)
    carnet = Carnet.get()
    Billet.update(print_state="sent").where((Billet.carnet == carnet) & (Billet.seq <= 6)).execute()
    Billet.update(print_state="pending").where((Billet.carnet == carnet) & (Billet.seq == 7)).execute()

    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert dialog_text(app, "#question") == (
            "Ce carnet n'a pas tous ses billets imprimés :\n"
            "Carnet N° 20191220-815 : 9 billets restants sur 15\n"  # billet 7 comes again: DUPLICATA
            "Le reprendre maintenant ?"
        )
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        assert "20191220-815 (9 billets restants sur 15)" in dialog_text(app, "#print-question")
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert printed_count("20191220-815") == 15
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:  # nothing left: no question
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_actions_menu_reprints_invoice_and_history(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "12000")
        await close_and_ask(pilot)
        await pilot.press("o")
        await wait_until(pilot, lambda: "815A" in dialog_text(app, "#print-question"))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))

        await pilot.press("f7")  # on carnet 815, printed
        assert isinstance(app.screen, MenuDialog)
        keys = [option.id for option in app.screen.query_one("#menu").options]
        assert keys == ["preview", "receipt", "billets_all", "billets_range", "invoice", "history"]
        await pilot.press("down", "down", "down", "enter")  # billets, from … to …
        assert isinstance(app.screen, RangeDialog)
        await pilot.press("5", "tab", "7", "tab", "enter")
        assert "motif" in dialog_text(app, "#reason-error").lower()
        await type_text(pilot, "papier froisse")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await settle(pilot)
        log = ReprintLog.get(ReprintLog.what == "billets", ReprintLog.reason == "papier froisse")
        assert "5" in log.detail and "7" in log.detail

        await pilot.press("shift+f10", "down", "down", "down", "down", "enter")  # the invoice
        await pilot.press("enter")  # first print: no reason needed
        await wait_until(pilot, lambda: Invoice.select().exists())
        await settle(pilot)
        assert Invoice.get().number == "F2019-00001"  # the app's day, not the machine's

        await pilot.press("down")  # carnet 815A, not printed: the menu offers to print it
        await pilot.press("f7")
        assert [o.id for o in app.screen.query_one("#menu").options][0] == "print"
        await pilot.press("escape")
        await pilot.press("f7", "end", "enter")  # history
        assert isinstance(app.screen, InfoDialog)
        history = dialog_text(app, "#info-body")
        assert "papier froisse" in history and "20191220-815" in history
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen)


async def test_progress_shows_the_billet_reached_and_retry_continues_there(ui_settings, tmp_path) -> None:
    """A carnet stopped after billet 6 (crash): resuming shows "billet 6/15" then goes on from 7."""
    await sell_one_carnet_unprinted(ui_settings)
    carnet = Carnet.get()
    Billet.update(print_state="sent").where((Billet.carnet == carnet) & (Billet.seq <= 6)).execute()
    out = tmp_path / "printer" / "out.bin"  # unplugged: the folder is missing
    printer = dataclasses.replace(ui_settings.printer, url=f"file:{out}")
    settings = dataclasses.replace(ui_settings, printer=printer)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        await pilot.press("enter")  # Oui
        await wait_until(pilot, lambda: app.screen.state == "failed")
        assert dialog_text(app, "#print-status") == "billet 6/15"
        gauge = app.screen.query_one("#print-progress")
        assert (gauge.done, gauge.total) == (6, 15)
        out.parent.mkdir()
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert printed_count("20191220-815") == 15
        assert out.read_bytes().count(b"20191220-815-0") >= 9  # billets 7 to 15 went to the printer
        assert b"20191220-815-001" not in out.read_bytes()


async def test_a_controleur_is_not_asked_about_unfinished_prints(ui_settings) -> None:
    # the trial: Karim signed in over a carnet left half printed; the question came over the door's
    # screen, the next scan went into it, Enter said Oui, and the print was refused for his role
    from carnet_tui.domain.context import Role
    from carnet_tui.ui.screens.door import DoorScreen

    await sell_one_carnet_unprinted(ui_settings)
    carnet = Carnet.get()
    Billet.update(print_state="sent").where((Billet.carnet == carnet) & (Billet.seq <= 6)).execute()

    app = make_app(ui_settings, role=Role.CONTROLEUR, name="Karim")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+c")
        await wait_until(pilot, lambda: isinstance(app.screen, DoorScreen))
        await settle(pilot)
        assert isinstance(app.screen, DoorScreen)  # no question over it
    app = make_app(ui_settings)  # a seller is still asked: the carnet is owed
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))

"""Snapshots at 80×24: home, the sale window holding the manual's two carnets, the payment and print
dialogs, the sales history.

The date is fixed (carnet numbers hold it) and nothing blinks or moves, so the pictures are stable.
Regenerate with ``pytest tests/test_ui_snapshots.py --snapshot-update`` after a deliberate change.
"""

from __future__ import annotations

import pytest
from support.ui import demo_settings, make_app, open_sale, pay_cash, pick_manual_line, settle, wait_until

from carnet_tui.ui.screens.dialogs import PaymentDialog, PrintCarnetDialog, RetryDialog
from carnet_tui.ui.screens.history import HistoryScreen
from carnet_tui.ui.screens.sale import SaleScreen

SIZE = (80, 24)
CASHIER = "amina"  # the history shows who sold: a responsable here (voids, reprints self-approved)


@pytest.fixture
def ui_settings(tmp_path):
    yield from demo_settings(tmp_path)


def test_home_screen(snap_compare, ui_settings) -> None:
    assert snap_compare(make_app(ui_settings, name=CASHIER), terminal_size=SIZE, run_before=settle)


def test_sale_window_with_two_carnets(snap_compare, ui_settings) -> None:
    async def run_before(pilot) -> None:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "12000")

    assert snap_compare(make_app(ui_settings, name=CASHIER), terminal_size=SIZE, run_before=run_before)


def test_payment_dialog(snap_compare, ui_settings) -> None:
    async def run_before(pilot) -> None:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pilot.press("f4", "1", "2", "0", "0", "0")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PaymentDialog))

    assert snap_compare(make_app(ui_settings, name=CASHIER), terminal_size=SIZE, run_before=run_before)


def test_print_dialog(snap_compare, ui_settings) -> None:
    async def run_before(pilot) -> None:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "12000")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PrintCarnetDialog))

    assert snap_compare(make_app(ui_settings, name=CASHIER), terminal_size=SIZE, run_before=run_before)


def test_print_dialog_printing(snap_compare, ui_settings) -> None:
    """The manual's print window on a resumed carnet (billets 1-6 out before): Total des Billets,
    the gauge and beside it the last numbers out; the printer then missing (a fixed message)."""
    import dataclasses

    from carnet_tui.store.models import Billet, Carnet

    printer = dataclasses.replace(ui_settings.printer, url="serial:/dev/does-not-exist")
    settings = dataclasses.replace(ui_settings, printer=printer)

    async def run_before(pilot) -> None:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pay_cash(pilot, "")
        await pilot.press("f6")  # the receipt fails first (no printer): Plus tard
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, RetryDialog))
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PrintCarnetDialog))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SaleScreen))
        carnet = Carnet.get()  # as a crash after billet 6 leaves it
        Billet.update(print_state="sent").where((Billet.carnet == carnet) & (Billet.seq <= 6)).execute()
        await pilot.press("f6")  # the sale is closed: its carnet left is asked for again
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PrintCarnetDialog))
        await pilot.press("o")
        await wait_until(pilot, lambda: pilot.app.screen.state == "failed")
        await settle(pilot)

    assert snap_compare(make_app(settings, name=CASHIER), terminal_size=SIZE, run_before=run_before)


def test_sales_history(snap_compare, ui_settings) -> None:
    """The manual's sale 815 finalized (carnet 815 printed, 815A left for later), then F5."""

    async def run_before(pilot) -> None:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "12000")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PrintCarnetDialog))
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PrintCarnetDialog)
                         and "815A" in str(pilot.app.screen.query_one("#print-question").render()))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SaleScreen))
        await pilot.press("f8", "o", "f5")  # F8 asks first: 815A stays unprinted, Oui
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
        await pilot.press("tab")  # the sales table has the focus
        await settle(pilot)

    assert snap_compare(make_app(ui_settings, name=CASHIER), terminal_size=SIZE, run_before=run_before)


def test_signin_screen(snap_compare, ui_settings) -> None:
    from support.day import add_people
    from support.ui import MANUAL_DAY

    from carnet_tui.ui.app import CarnetApp

    add_people()
    assert snap_compare(CarnetApp(ui_settings, today=MANUAL_DAY), terminal_size=SIZE, run_before=settle)


def test_approval_dialog(snap_compare, ui_settings) -> None:
    from support.day import add_people, signed_in
    from support.ui import MANUAL_DAY

    from carnet_tui.ui.app import CarnetApp
    from carnet_tui.ui.screens.approval import ApprovalDialog

    add_people()
    app = CarnetApp(ui_settings, today=MANUAL_DAY, context=signed_in("amina", today=MANUAL_DAY))

    async def run_before(pilot) -> None:
        await settle(pilot)
        app.ask_approval("void", lambda approval: None)
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalDialog) and app.screen.is_mounted)
        await pilot.press("1", "2")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)

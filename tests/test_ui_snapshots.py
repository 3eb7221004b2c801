"""Snapshots at 80×24: home, the sale window holding the manual's two carnets, the payment and print dialogs.

The date is fixed (carnet numbers hold it) and nothing blinks or moves, so the pictures are stable.
Regenerate with ``pytest tests/test_ui_snapshots.py --snapshot-update`` after a deliberate change.
"""

from __future__ import annotations

import pytest
from test_ui_support import demo_settings, make_app, open_sale, pay_cash, pick_manual_line, settle, wait_until

from carnet_tui.ui.screens.dialogs import PaymentDialog, PrintCarnetDialog

SIZE = (80, 24)


@pytest.fixture
def ui_settings(tmp_path):
    yield from demo_settings(tmp_path)


def test_home_screen(snap_compare, ui_settings) -> None:
    assert snap_compare(make_app(ui_settings), terminal_size=SIZE, run_before=settle)


def test_sale_window_with_two_carnets(snap_compare, ui_settings) -> None:
    async def run_before(pilot) -> None:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "12000")

    assert snap_compare(make_app(ui_settings), terminal_size=SIZE, run_before=run_before)


def test_payment_dialog(snap_compare, ui_settings) -> None:
    async def run_before(pilot) -> None:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pilot.press("f4", "1", "2", "0", "0", "0")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PaymentDialog))

    assert snap_compare(make_app(ui_settings), terminal_size=SIZE, run_before=run_before)


def test_print_dialog(snap_compare, ui_settings) -> None:
    async def run_before(pilot) -> None:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "12000")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PrintCarnetDialog))

    assert snap_compare(make_app(ui_settings), terminal_size=SIZE, run_before=run_before)

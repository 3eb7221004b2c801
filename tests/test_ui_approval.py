"""The approval dialog by keys: a cashier asks, a responsable types their PIN in the same dialog.
Refused without the right PIN, cancelled by Escape (nothing done), done with it; a responsable signed
in approves their own action without a dialog. ``app.ask_approval`` is called as the void and
reprint paths call it."""

from __future__ import annotations

import pytest
from support.day import (
    ADMIN,
    CASHIER,
    PIN,
    RESPONSABLE,
    add_people,
    journal_head,
    journal_kinds,
    signed_in,
)
from support.ui import MANUAL_DAY, demo_settings, settle, type_text, wait_until
from textual.widgets import Static

from carnet_tui.domain.context import Approval
from carnet_tui.ui.app import CarnetApp
from carnet_tui.ui.screens.approval import ApprovalDialog
from carnet_tui.ui.screens.home import HomeScreen

SIZE = (80, 24)


@pytest.fixture
def ui_settings(tmp_path):
    yield from demo_settings(tmp_path)


def cashier_app(settings) -> CarnetApp:
    """The demo people added, the app signed in as the cashier on the manual's day."""
    add_people()
    return CarnetApp(settings, today=MANUAL_DAY, context=signed_in(CASHIER, today=MANUAL_DAY))


def error_text(app) -> str:
    return str(app.screen.query_one("#approval-error", Static).render())


async def asked(pilot, action: str) -> list[Approval]:
    got: list[Approval] = []
    pilot.app.ask_approval(action, got.append)
    await wait_until(pilot, lambda: bool(got) or (isinstance(pilot.app.screen, ApprovalDialog)
                                                   and pilot.app.screen.is_mounted))
    await settle(pilot)
    return got


@pytest.mark.parametrize("action", ["void", "reprint", "finalize_unprinted", "cash_movement", "catalog"])
async def test_refused_without_the_pin_done_with_it(ui_settings, action: str) -> None:
    add_people()
    ctx = signed_in(CASHIER, today=MANUAL_DAY)
    app = CarnetApp(ui_settings, today=MANUAL_DAY, context=ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        got = await asked(pilot, action)
        dialog = app.screen
        assert isinstance(dialog, ApprovalDialog)
        question = str(dialog.query_one("#approval-question", Static).render())
        assert question.startswith(f"{CASHIER} demande")
        # responsables and admins only (the demo store's own Admin and Nadia among them), by name
        from carnet_tui.services import people

        assert dialog.names == [u.name for u in people.approvers()]
        assert {RESPONSABLE, ADMIN} <= set(dialog.names) and CASHIER not in dialog.names
        before = journal_head()
        await type_text(pilot, "9999")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and got == []
        assert "Code PIN incorrect" in error_text(app)
        await pilot.press("enter")  # no PIN typed: nothing asked
        await settle(pilot)
        assert app.screen is dialog and got == []
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert got == [Approval(CASHIER, RESPONSABLE, got[0].approver_id, action, self_approved=False)]
    assert journal_kinds(before) == [("pin_failed", RESPONSABLE)]


async def test_the_admin_chosen_by_arrow_approves(ui_settings) -> None:
    app = cashier_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        got = await asked(pilot, "reprint")
        await pilot.press("down", *PIN, "enter")
        await settle(pilot)
        assert [(a.asked_by, a.approved_by, a.action) for a in got] == [(CASHIER, ADMIN, "reprint")]


async def test_escape_cancels_and_nothing_is_done(ui_settings) -> None:
    app = cashier_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        got = await asked(pilot, "void")
        await type_text(pilot, "12")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and got == []


async def test_five_wrong_pins_lock_the_responsable(ui_settings) -> None:
    app = cashier_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        got = await asked(pilot, "void")
        for _ in range(5):
            await pilot.press(*"0000", "enter")
            await settle(pilot)
        assert "bloqué" in error_text(app)
        await pilot.press(*PIN, "enter")
        await settle(pilot)
        assert "bloqué" in error_text(app) and got == []


async def test_a_responsable_signed_in_approves_alone(ui_settings) -> None:
    add_people()
    app = CarnetApp(ui_settings, today=MANUAL_DAY, context=signed_in(RESPONSABLE, today=MANUAL_DAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        got = await asked(pilot, "void")
        assert isinstance(app.screen, HomeScreen)  # no dialog
        assert got == [Approval(RESPONSABLE, RESPONSABLE, got[0].approver_id, "void", self_approved=True)]


async def test_without_any_responsable_the_dialog_says_so(ui_settings) -> None:
    add_people({CASHIER: "caissier"})
    app = CarnetApp(ui_settings, today=MANUAL_DAY, context=signed_in(CASHIER, today=MANUAL_DAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        got = await asked(pilot, "void")
        assert "Aucun responsable" in error_text(app)
        await pilot.press(*PIN, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ApprovalDialog) and got == []

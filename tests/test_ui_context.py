"""The sale window with who acts: the app's context read when a key acts (the till opened since, the
cashier changed), refusals said where they were typed, and a responsable's voids, reprints and
unprinted finalize approved and journaled with their name. By keys through Pilot, at 80×24."""

from __future__ import annotations

import dataclasses
import json

import pytest
from support.day import FLOAT
from support.ui import (
    demo_settings,
    make_app,
    open_sale,
    pay_cash,
    pick_manual_line,
    settle,
    text_of,
    type_text,
    wait_until,
)

from carnet_tui.domain.context import Role
from carnet_tui.domain.till import SessionStatus
from carnet_tui.services import journal, till
from carnet_tui.store import db as store
from carnet_tui.store.models import JournalEntry, Payment, ReprintLog, Sale, TillSession, Void
from carnet_tui.texts import t
from carnet_tui.ui.screens.dialogs import MenuDialog, PaymentDialog, PrintCarnetDialog, ReasonDialog
from carnet_tui.ui.screens.sale import SaleScreen
from carnet_tui.ui.screens.unclosed import YesNoNow

SIZE = (80, 24)


@pytest.fixture
def ui_settings(tmp_path):
    out = tmp_path / "out.bin"
    for settings in demo_settings(tmp_path):
        yield dataclasses.replace(settings, printer=dataclasses.replace(settings.printer, url=f"file:{out}"))


def _journal(kind: str) -> list[JournalEntry]:
    return list(JournalEntry.select().where(JournalEntry.kind == kind).order_by(JournalEntry.seq))


async def test_f4_with_the_till_closed_says_so_and_pays_once_it_is_opened(ui_settings) -> None:
    app = make_app(ui_settings, role=Role.CAISSIER, open_till=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)  # no payment dialog: said beside the line
        assert t("err.till.no_session") in text_of(app, "#line-error")
        assert Sale.select().count() == 0  # not even an empty sale
        # the till opened meanwhile (the till screen does this): the next F4 reads the new context
        view = till.open_till(app.context, FLOAT)
        app.context = app.context.with_session(view.id)
        await pay_cash(pilot, "")
        assert Payment.get().session_id == view.id
        assert (Sale.get().cashier, Sale.get().desk) == ("amina", app.context.desk)


async def test_a_till_closed_while_the_payment_dialog_is_open_is_said_in_the_dialog(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, PaymentDialog)
        store.write(lambda: TillSession.update(status=SessionStatus.CLOSED.value).execute())  # a Z meanwhile
        await pilot.press("f9", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PaymentDialog)
        assert t("err.till.no_session") in text_of(app, "#pay-error")
        assert Payment.select().count() == 0 and journal.verify().ok


async def test_a_responsable_voids_reprints_and_finalizes_unprinted_in_their_own_name(ui_settings) -> None:
    """karim (responsable) alone: each approval is his own, recorded as such."""
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pick_manual_line(pilot, "1")
        await pay_cash(pilot, "")
        await pilot.press("down", "down", "delete")  # 815B, the second line
        await wait_until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await type_text(pilot, "erreur de tarif")
        await pilot.press("enter")
        await wait_until(pilot, lambda: Void.select().exists() and isinstance(app.screen, SaleScreen))
        assert (Void.get().voided_by, Void.get().approved_by) == ("karim", "karim")

        await pilot.press("f6")  # the receipt, then Oui for 815, Non for 815A
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog)
                         and "815A" in str(app.screen.query_one("#print-question").render()))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))

        await pilot.press("up", "up", "f7")  # carnet 815: its receipt again (a reprint)
        await wait_until(pilot, lambda: isinstance(app.screen, MenuDialog))
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await type_text(pilot, "ticket perdu")
        await pilot.press("enter")
        again = ReprintLog.reason == "ticket perdu"
        await wait_until(pilot, lambda: ReprintLog.get_or_none(again) is not None)
        await settle(pilot)
        log = ReprintLog.get(ReprintLog.reason == "ticket perdu")
        assert (log.done_by, log.approved_by) == ("karim", "karim")

        await pilot.press("f8")  # 815A unprinted: asked (default Non), Oui, then approved: his own
        await wait_until(pilot, lambda: isinstance(app.screen, YesNoNow))
        await pilot.press("o")
        await wait_until(pilot, lambda: Sale.get().status == "finalized")
        await settle(pilot)
    (finalized,) = _journal("sale_finalized")
    assert (finalized.actor, finalized.approved_by) == ("karim", "karim")
    assert json.loads(finalized.data)["unprinted"] == ["20191220-815A"]
    assert json.loads(finalized.data)["self_approved"] is True
    (voided,) = _journal("line_voided")
    assert (voided.actor, voided.approved_by) == ("karim", "karim")
    (reprint,) = _journal("reprint")
    assert json.loads(reprint.data)["kind"] == "receipt" and reprint.approved_by == "karim"
    assert [json.loads(r.data)["carnet"] for r in _journal("billets_printed")] == ["20191220-815"]
    verdict = journal.verify()
    assert verdict.ok, verdict

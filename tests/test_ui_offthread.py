"""Writes never freeze the screen: another desk's lock (a real second process), keys meanwhile, and
an unexpected error logged to carnet.log and said in French. Keys through Pilot, real SQLite files."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from support.ui import make_app, open_sale, pick_manual_line, settle, type_text

from carnet_tui.store.models import Carnet, Client, Payment, Sale, SaleLine, Void
from carnet_tui.ui.screens.dialogs import InfoDialog, PaymentDialog
from carnet_tui.ui.screens.history import HistoryScreen
from carnet_tui.ui.screens.sale import SaleScreen
from tests.support.desks import lock_held

SIZE = (80, 24)
LOCK_S = 5.0


async def wait_for(pilot, condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Real time here: the other desk's lock is real time."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition never met"
        await pilot.pause(0.02)


def hint_of(dialog) -> str:
    return str(dialog.query(".hint").last().render())


def sold_rows(app) -> int:
    return app.get_screen("sale").query_one("#sold-table").row_count


async def test_a_lock_held_by_another_desk_the_screen_answers_f1_and_the_line_is_paid_once(
    ui_settings,
) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        with lock_held(ui_settings.db, LOCK_S) as desk:
            started = time.monotonic()
            await pilot.press("f4")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, PaymentDialog)
            await type_text(pilot, "6000")
            await pilot.press("enter", "enter", "f1")  # a second Enter, then the help, right away
            # the help opens within a second, while the lock is held
            help_shown = lambda: isinstance(app.screen, InfoDialog) and app.screen.query("#info-body")  # noqa: E731
            await wait_for(pilot, help_shown, seconds=1.0)
            assert "Alt+A" in str(app.screen.query_one("#info-body").render())
            assert desk.poll() is None and time.monotonic() - started < LOCK_S - 1
            # the dialog under the help says why nothing has happened yet, and retries
            await wait_for(pilot, lambda: "Base occupée par un autre poste" in hint_of(dialog))
            await pilot.press("escape", "escape")  # the help closes; the dialog waits for its write
            assert app.screen is dialog and dialog.has_class("-busy")
            await pilot.press("f1")
            await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), seconds=1.0)
            assert desk.poll() is None
            assert SaleLine.select().count() == 0
        # the lock is released: the payment goes through once; the help stays until it is closed
        await wait_for(pilot, lambda: SaleLine.select().count() == 1)
        await pilot.pause(0.3)
        assert isinstance(app.screen, InfoDialog)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SaleScreen))
        await settle(pilot)
        assert sold_rows(app) == 1
        assert (SaleLine.select().count(), Payment.select().count(), Carnet.select().count()) == (1, 1, 1)
        assert Sale.get().number == 815
        assert "Réglé : 20191220-815" in str(app.screen.query_one("#sold-table").border_subtitle)


async def test_a_slow_write_says_it_is_under_way(ui_settings) -> None:
    app = make_app(ui_settings)
    # a real slow write: a trigger that makes SQLite count to twenty million with each payment
    # (seconds of CPU; Pilot waits at most 1 s for a busy process to go idle after a key)
    other = sqlite3.connect(ui_settings.db, isolation_level=None)
    other.execute(
        "CREATE TRIGGER slow AFTER INSERT ON payment BEGIN SELECT count(*) FROM (WITH RECURSIVE "
        "c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 20000000) SELECT x FROM c); END"
    )
    other.close()
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pilot.press("f4")
        await settle(pilot)
        dialog = app.screen
        await type_text(pilot, "6000")
        await pilot.press("enter")
        assert hint_of(dialog) == "Enregistrement en cours..."
        assert dialog.has_class("-busy") and SaleLine.select().count() == 0
        await pilot.press("enter")  # again: nothing more is started
        await wait_for(pilot, lambda: isinstance(app.screen, SaleScreen))
        await settle(pilot)
        assert SaleLine.select().count() == 1 and sold_rows(app) == 1


async def test_f6_during_a_lock_says_busy_and_closes_once(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pilot.press("f4")
        await settle(pilot)
        await type_text(pilot, "6000")
        await pilot.press("enter")
        await settle(pilot)
        assert sold_rows(app) == 1
        with lock_held(ui_settings.db, 2.0) as desk:
            await pilot.press("f6", "f6", "f8")  # impatient: closing twice, then finalizing
            sold = app.screen.query_one("#sold-table")
            await wait_for(pilot, lambda: "Base occupée" in str(sold.border_subtitle))
            assert desk.poll() is None
            await pilot.press("f4")  # no new line on a sale being closed
            assert isinstance(app.screen, SaleScreen)
            await pilot.press("f1")
            await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), seconds=1.0)
            await pilot.press("escape")
        await wait_for(pilot, lambda: Sale.get().status == "closed")
        await pilot.pause(0.3)
        assert Sale.get().status == "closed"  # F8 during the close started nothing


async def test_an_unexpected_error_in_a_write_is_logged_with_its_traceback_and_said_in_french(
    ui_settings,
) -> None:
    app = make_app(ui_settings)
    log = ui_settings.data_dir / "carnet.log"
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pilot.press("f4")
        await settle(pilot)
        await type_text(pilot, "6000")
        await pilot.press("enter")
        await settle(pilot)
        assert SaleLine.select().count() == 1
        # a real fault: the sale's date damaged on disk by another program
        other = sqlite3.connect(ui_settings.db, isolation_level=None)
        other.execute("UPDATE sale SET sale_date = 'abîmée'")
        other.close()
        assert not log.exists()
        await pick_manual_line(pilot, "2")  # a new line: the paid one is not paid twice
        await pilot.press("f4")
        await settle(pilot)
        await type_text(pilot, "12000")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PaymentDialog)  # still open, nothing paid
        said = str(dialog.query_one("#pay-error").render())
        assert said == f"Erreur inattendue : détails dans {log}"
        text = log.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" in text and "pay_line" in text
        assert "erreur inattendue" in text
        assert SaleLine.select().count() == 1  # rolled back
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen)


async def test_an_unexpected_error_in_the_history_filter_is_logged_and_said(ui_settings) -> None:
    app = make_app(ui_settings)
    log = ui_settings.data_dir / "carnet.log"
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pilot.press("f4")
        await settle(pilot)
        await type_text(pilot, "6000")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#history-sales").row_count == 1
        other = sqlite3.connect(ui_settings.db, isolation_level=None)
        other.execute("UPDATE sale SET sale_date = 'abîmée'")  # damaged by another program
        other.close()
        await type_text(pilot, "81")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)  # no crash
        said = str(app.screen.query_one("#history-carnets").border_subtitle)
        assert said == f"Erreur inattendue : détails dans {log}"
        text = log.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" in text and "recent_sales" in text
        assert "ValueError" in text


async def test_void_and_new_client_wait_for_the_lock_with_the_screen_answering(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pilot.press("f4")
        await settle(pilot)
        await type_text(pilot, "6000")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.focused.id == "sold-table"
        with lock_held(ui_settings.db, 2.0) as desk:
            await pilot.press("delete")
            await settle(pilot)
            dialog = app.screen
            await type_text(pilot, "erreur")
            await pilot.press("enter", "enter")
            await wait_for(pilot, lambda: "Base occupée" in hint_of(dialog))
            assert desk.poll() is None and app.screen is dialog
        await wait_for(pilot, lambda: isinstance(app.screen, SaleScreen))
        assert Void.select().count() == 1 and SaleLine.get().voided
        with lock_held(ui_settings.db, 2.0) as desk:
            await pilot.press("f3")
            await settle(pilot)
            dialog = app.screen
            await type_text(pilot, "Zoe Nouvelle")
            await pilot.press("enter", "enter", "f1")
            await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), seconds=1.0)
            await pilot.press("escape")
            await wait_for(pilot, lambda: "Base occupée" in hint_of(dialog))
            assert desk.poll() is None and app.screen is dialog
        await wait_for(pilot, lambda: isinstance(app.screen, SaleScreen))
        assert Client.select().where(Client.name == "Zoe Nouvelle").count() == 1


async def test_ctrl_q_while_a_second_payment_is_written_waits_for_it(ui_settings) -> None:
    """The leave-sale question must not pop the payment dialog whose write is under way: its
    Clôturer would race the payment (a line refused unseen after the cash was taken)."""
    from carnet_tui.ui.screens.unclosed import LeaveSaleDialog

    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pilot.press("f4")
        await settle(pilot)
        await type_text(pilot, "6000")
        await pilot.press("enter")
        await settle(pilot)
        assert sold_rows(app) == 1
        await pick_manual_line(pilot, "1")
        with lock_held(ui_settings.db, 2.0):
            await pilot.press("f4")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, PaymentDialog)
            await type_text(pilot, "6000")
            await pilot.press("enter")
            await wait_for(pilot, lambda: dialog.has_class("-busy"))
            await pilot.press("ctrl+q", "c")
            assert not isinstance(app.screen, LeaveSaleDialog)
            assert app.screen is dialog and app.is_running
        await wait_for(pilot, lambda: isinstance(app.screen, SaleScreen))
        await settle(pilot)
        assert SaleLine.select().count() == 2 and sold_rows(app) == 2
        assert Sale.get().status == "open"
        await pilot.press("ctrl+q")  # the write is over: now it asks
        assert isinstance(app.screen, LeaveSaleDialog)

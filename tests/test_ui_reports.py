"""*Rapports* by keys through Pilot at 80×24: the past Z newest first, one shown, a DUPLICATA
reprinted to a ``file:`` printer and journaled. Real SQLite (the demo store)."""

from __future__ import annotations

import json

import pytest
from support.till_ui import (
    FLOAT_COUNTS,
    counter_context,
    demo_with_file_printer,
    open_till,
    printed_text,
    till_app,
)
from support.ui import settle, text_of, wait_until

from carnet_tui.services import journal, till
from carnet_tui.store.models import JournalEntry
from carnet_tui.ui.screens.reports import DuplicataDialog, ReportsScreen, ReportsTable
from carnet_tui.ui.screens.till import TillScreen

SIZE = (80, 24)


@pytest.fixture
def ui_settings(tmp_path):
    yield from demo_with_file_printer(tmp_path)


def two_days_closed():
    """Two sessions of the desk closed: the first exact, the second short by 20 DH."""
    ctx = counter_context()
    till.close_till(open_till(ctx), FLOAT_COUNTS)
    till.close_till(open_till(ctx), {**FLOAT_COUNTS, 2000: FLOAT_COUNTS[2000] - 1})
    return ctx


def row_texts(table: ReportsTable, row: int) -> list[str]:
    return [str(cell).strip() for cell in table.get_row_at(row)]


async def open_reports(pilot) -> ReportsScreen:
    await pilot.press("alt+z")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReportsScreen)
                     and pilot.app.screen.query_one(ReportsTable).row_count > 0)
    return pilot.app.screen


async def test_the_list_shows_past_z_newest_first(ui_settings) -> None:
    ctx = two_days_closed()
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        table = screen.query_one(ReportsTable)
        assert table.row_count == 2
        newest = row_texts(table, 0)
        assert newest[:2] == ["caisse-1", "2"]
        assert newest[3] == "Nadia"
        assert newest[4:] == ["631,00", "611,00", "-20,00"]  # expected, counted, their difference
        assert row_texts(table, 1)[:2] == ["caisse-1", "1"]
        assert row_texts(table, 1)[4:] == ["631,00", "631,00", "0,00"]
        assert text_of(app, "#reports-info") == "2 rapport(s)"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReportsScreen)


async def test_enter_shows_a_z_and_r_reprints_it_as_a_duplicata(ui_settings, tmp_path) -> None:
    ctx = two_days_closed()
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DuplicataDialog))
        body = text_of(app, "#report-body")
        assert "RAPPORT Z N° 2" in body and "-20,00" in body and "DUPLICATA" not in body
        assert printed_text(tmp_path / "out.bin") == ""  # shown only: nothing printed, nothing journaled
        assert not JournalEntry.select().where(JournalEntry.kind == "z_reprinted").exists()
        await pilot.press("r")
        await wait_until(pilot, lambda: text_of(app, "#report-status") == "Imprimé.")
        paper = printed_text(tmp_path / "out.bin")
        assert "DUPLICATA" in paper and "RAPPORT Z N° 2" in paper and "-20,00" in paper
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        # R on the list reprints the highlighted one without opening it
        await pilot.press("down", "r")
        await wait_until(pilot, lambda: text_of(app, "#reports-message")
                         == "Duplicata du Z n° 1 (caisse-1) imprimé.")
    reprints = JournalEntry.select().where(JournalEntry.kind == "z_reprinted").order_by(JournalEntry.seq)
    assert [(r.actor, json.loads(r.data)["number"]) for r in reprints] == [("Nadia", 2), ("Nadia", 1)]
    assert printed_text(tmp_path / "out.bin").count("DUPLICATA") >= 2
    assert journal.verify().ok


async def test_no_z_yet_says_so(ui_settings) -> None:
    ctx = counter_context()
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+z")
        none = "Aucun rapport Z pour l'instant."
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen)
                         and app.screen.query_one(ReportsTable).border_subtitle == none)
        await pilot.press("enter", "r")
        await settle(pilot)
        assert text_of(app, "#reports-message") == "Choisissez d'abord un rapport dans la liste."


async def test_from_the_caisse_screen_f9_opens_the_reports_and_escape_comes_back(ui_settings) -> None:
    ctx = counter_context()
    till.close_till(open_till(ctx), FLOAT_COUNTS)
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+r")
        await wait_until(pilot, lambda: isinstance(app.screen, TillScreen))
        await pilot.press("f9")  # the till is closed: the count form has the focus
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen)
                         and app.screen.query_one(ReportsTable).row_count == 1)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, TillScreen))


async def test_a_cashiers_z_reprint_waits_for_a_responsables_pin(ui_settings, tmp_path) -> None:
    # the trial: Samir (caissier) reprinted a Z with no one's approval; DESIGN.md: every reprint
    from carnet_tui.ui.screens.approval import ApprovalDialog

    two_days_closed()
    cashier = counter_context("Samir", "caissier")
    app = till_app(ui_settings, cashier)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(pilot)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalDialog))
        await pilot.press("escape")  # no responsable here: nothing printed, nothing journaled
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await settle(pilot)
        assert printed_text(tmp_path / "out.bin") == ""
        assert not JournalEntry.select().where(JournalEntry.kind == "z_reprinted").exists()
        await pilot.press("enter")  # opened, then R: asked again
        await wait_until(pilot, lambda: isinstance(app.screen, DuplicataDialog))
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ApprovalDialog))

"""*Caisse* by keys through Pilot at 80×24: open with a counted float, refused counts, a withdrawal
approved, the X shown and printed, the Z with a count short by 20 DH. Real SQLite (the demo store),
a signed-in responsable, the printer a ``file:`` into tmp_path."""

from __future__ import annotations

import json

import pytest
from support.text import screen_lines
from support.till_ui import (
    FLOAT_CENTS,
    FLOAT_COUNTS,
    PIN,
    count_keys,
    counter_context,
    demo_with_file_printer,
    fill_movement,
    open_till,
    printed_text,
    printer_settings,
    till_app,
)
from support.ui import settle, text_of, type_text, wait_until

from carnet_tui.domain.text import cell_width
from carnet_tui.services import journal, people
from carnet_tui.store.models import CashMovement, JournalEntry, TillSession, ZReport
from carnet_tui.ui.screens.dialogs import ConfirmDialog
from carnet_tui.ui.screens.till import CloseDialog, CountInput, MovementDialog, ReportDialog, TillScreen

SIZE = (80, 24)


@pytest.fixture
def ui_settings(tmp_path):
    yield from demo_with_file_printer(tmp_path)


def journal_kinds() -> list[str]:
    return [row.kind for row in JournalEntry.select().order_by(JournalEntry.seq)]


async def open_caisse(pilot) -> TillScreen:
    await pilot.press("alt+r")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TillScreen))
    return pilot.app.screen


async def test_open_the_till_with_a_float_counted_by_denominations(ui_settings) -> None:
    ctx = counter_context()
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_caisse(pilot)
        assert "fermée" in text_of(app, "#till-status")
        assert app.focused is screen.query_one("#count-20000")
        await pilot.press(*count_keys(FLOAT_COUNTS))
        assert text_of(app, "#count-total") == "Total compté : 631,00 DH"
        assert text_of(app, "#sub-2000") == "100,00 DH"
        assert not TillSession.select().exists()  # nothing written before the cashier confirms
        await pilot.press("f10")
        await wait_until(pilot, lambda: TillSession.select().exists() and screen.view is not None)
        row = TillSession.get()
        assert (row.desk, row.opened_by, row.status, row.float_cents) == ("caisse-1", "Nadia", "open",
                                                                           FLOAT_CENTS)
        assert json.loads(row.float_counts) == {"20000": 2, "10000": 1, "5000": 0, "2000": 5, "1000": 3,
                                                "500": 0, "200": 0, "100": 0, "50": 2}
        assert app.context.session_id == row.id  # the app's context acts in the new session
        assert "Caisse ouverte par Nadia" in text_of(app, "#till-status")
        assert "631,00 DH" in text_of(app, "#till-status")
        assert text_of(app, "#till-message") == "Caisse ouverte avec un fond de 631,00 DH."
        assert journal_kinds()[-1] == "till_opened"
        await pilot.press("escape")
        assert not isinstance(app.screen, TillScreen)


async def test_enter_on_the_last_field_opens_the_till(ui_settings) -> None:
    ctx = counter_context()
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_caisse(pilot)
        await pilot.press(*count_keys({10000: 3}), "enter")
        await wait_until(pilot, lambda: screen.view is not None)
        assert TillSession.get().float_cents == 30000


async def test_a_refused_count_is_said_where_typed_and_changes_nothing(ui_settings) -> None:
    ctx = counter_context()
    before = journal_kinds()
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_caisse(pilot)
        await type_text(pilot, "abc")
        first = screen.query_one("#count-20000", CountInput)
        assert first.value == ""
        assert text_of(app, "#count-error").startswith("Billets de 200 DH : Chiffres seulement")
        await pilot.press("enter", "-")
        assert screen.query_one("#count-10000", CountInput).value == ""
        assert text_of(app, "#count-error").startswith("Billets de 100 DH : Chiffres seulement")
        await pilot.press("1")  # a digit after the refusal is taken, and clears the message
        assert screen.query_one("#count-10000", CountInput).value == "1"
        assert text_of(app, "#count-error") == ""
        await pilot.press("escape")
        await settle(pilot)
    assert not TillSession.select().exists()
    assert journal_kinds() == before


async def test_a_withdrawal_asks_an_amount_a_reason_and_the_approval(ui_settings) -> None:
    ctx = open_till(counter_context())
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_caisse(pilot)
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, MovementDialog))
        assert "Retrait" in text_of(app, ".dialog-title")
        await type_text(pilot, "12x")
        await pilot.press("enter")
        assert text_of(app, "#movement-amount-error") == "Montant invalide : « 12x »."
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "-5")
        await pilot.press("enter")
        assert "négatif" in text_of(app, "#movement-amount-error")
        await pilot.press("backspace", "backspace")
        await type_text(pilot, "150,50")
        await pilot.press("enter")
        assert text_of(app, "#movement-reason-error") == "Le motif est obligatoire."
        assert not CashMovement.select().exists()
        await type_text(pilot, "Remise en banque")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TillScreen))
        assert text_of(app, "#till-message") == "Retrait de 150,50 DH enregistré (Remise en banque)."
    movement = CashMovement.get()
    assert (movement.kind, movement.amount_cents) == ("withdrawal", 15050)
    assert movement.reason == "Remise en banque"
    assert (movement.done_by, movement.approved_by) == ("Nadia", "Nadia")
    entry = JournalEntry.select().where(JournalEntry.kind == "cash_movement").get()
    assert (entry.actor, entry.approved_by) == ("Nadia", "Nadia")
    assert json.loads(entry.data)["self_approved"] is True
    assert journal.verify().ok


async def test_a_withdrawal_above_the_drawer_is_refused_in_the_dialog(ui_settings) -> None:
    ctx = open_till(counter_context())
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_caisse(pilot)
        await fill_movement(pilot, app, "700", "Trop")
        await wait_until(pilot, lambda: "Retrait impossible" in text_of(app, "#movement-amount-error"))
        assert isinstance(app.screen, MovementDialog)
        await pilot.press("escape")
    assert not CashMovement.select().exists()


async def test_a_deposit_from_the_menu(ui_settings) -> None:
    ctx = open_till(counter_context())
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_caisse(pilot)
        await pilot.press("enter")  # the menu's first entry: Dépôt d'espèces
        await wait_until(pilot, lambda: isinstance(app.screen, MovementDialog))
        await type_text(pilot, "200")
        await pilot.press("tab")
        await type_text(pilot, "Monnaie")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TillScreen))
    assert CashMovement.get().kind == "deposit"


async def test_x_is_shown_and_printed_on_demand(ui_settings, tmp_path) -> None:
    ctx = open_till(counter_context())
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_caisse(pilot)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportDialog))
        body = text_of(app, "#report-body")
        assert "RAPPORT X" in body and "631,00" in body
        assert printed_text(tmp_path / "out.bin") == ""  # printed only when asked
        scroll = app.screen.query_one("#report-scroll")
        assert scroll.scroll_y == 0 and scroll.max_scroll_y > 0  # longer than the panel: it scrolls
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: scroll.scroll_y > 0)
        await pilot.press("i")
        await wait_until(pilot, lambda: text_of(app, "#report-status") == "Imprimé.")
        assert "RAPPORT X" in printed_text(tmp_path / "out.bin")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, TillScreen))
    assert TillSession.get().status == "open"
    assert "x_report" in journal_kinds()


async def test_z_with_a_count_short_by_20_dh(ui_settings, tmp_path) -> None:
    ctx = open_till(counter_context())
    app = till_app(ui_settings, ctx)
    short = {**FLOAT_COUNTS, 2000: FLOAT_COUNTS[2000] - 1}  # one 20 DH note missing
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_caisse(pilot)
        await pilot.press("z")
        await wait_until(pilot, lambda: isinstance(app.screen, CloseDialog))
        assert text_of(app, "#close-expected") == "Espèces attendues : 631,00 DH"
        await pilot.press(*count_keys(short))
        assert text_of(app, "#count-total") == "Total compté : 611,00 DH"
        assert text_of(app, "#close-difference") == "Écart (compté − attendu) : -20,00 DH"
        # Non first: nothing closes
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "Écart : -20,00 DH" in text_of(app, "#question")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, CloseDialog))
        assert TillSession.get().status == "open" and not ZReport.select().exists()
        # then Oui
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportDialog))
        await wait_until(pilot, lambda: text_of(app, "#report-status") == "Imprimé.")
        body = text_of(app, "#report-body")
        assert "RAPPORT Z N° 1" in body and "-20,00" in body
        assert app.context.session_id is None
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, TillScreen))
        assert screen.view is None and "fermée" in text_of(app, "#till-status")
        assert text_of(app, "#till-message") == "Caisse clôturée : Z n° 1."
    session = TillSession.get()
    assert (session.status, session.closed_by, session.z_number) == ("closed", "Nadia", 1)
    assert session.counted_cents == FLOAT_CENTS - 2000
    z = ZReport.get()
    assert json.loads(z.body)["difference"] == -2000
    paper = printed_text(tmp_path / "out.bin")
    assert "RAPPORT Z N° 1" in paper and "-20,00" in paper and "DUPLICATA" not in paper
    assert journal_kinds()[-1] == "till_closed"
    assert journal.verify().ok  # the chain holds every row the screens wrote


async def test_nobody_signed_in_no_till(ui_settings) -> None:
    ctx = counter_context()
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_caisse(pilot)
        app.context = None  # signed out (F12) while the screen stays under another one
        await pilot.press("f9")
        await wait_until(pilot, lambda: not isinstance(app.screen, TillScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, TillScreen))
        assert text_of(app, "#till-status").startswith("Identifiez-vous")
        await pilot.press("f10", "x", "z")
        await settle(pilot)
        assert isinstance(app.screen, TillScreen)
    assert not TillSession.select().exists()


async def test_a_cashier_s_withdrawal_waits_for_a_responsable_s_pin(ui_settings) -> None:
    approval = pytest.importorskip("carnet_tui.ui.screens.approval")  # the approval dialog's branch
    counter_context("Nadia", "responsable")  # the approver
    ctx = open_till(counter_context("Amina", "caissier"))
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_caisse(pilot)
        await fill_movement(pilot, app, "100", "Remise")
        await wait_until(pilot, lambda: isinstance(app.screen, approval.ApprovalDialog))
        await type_text(pilot, "9999")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "incorrect" in text_of(app, "#approval-error"))
        assert not CashMovement.select().exists()
        await pilot.press("escape")  # no approval: back to the dialog, nothing done
        await wait_until(pilot, lambda: isinstance(app.screen, MovementDialog))
        assert not CashMovement.select().exists()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, approval.ApprovalDialog))
        await type_text(pilot, "1234")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TillScreen))
    movement = CashMovement.get()
    assert (movement.done_by, movement.approved_by, movement.amount_cents) == ("Amina", "Nadia", 10000)
    entry = JournalEntry.select().where(JournalEntry.kind == "cash_movement").get()
    assert (entry.actor, entry.approved_by) == ("Amina", "Nadia")


async def test_the_closed_screen_fits_80x24_with_every_key(ui_settings) -> None:
    ctx = counter_context("Ali [b]VIP[/b] [/]", "responsable", desk="Caisse [red]1[/]")
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_caisse(pilot)
        await pilot.press(*count_keys(FLOAT_COUNTS))
        rows = screen_lines(app)
        assert len(rows) == 24 and all(cell_width(row) <= 80 for row in rows)
        text = "\n".join(rows)
        for shown in ("Poste Caisse [red]1[/] · Ali [b]VIP[/b] [/]", "Pièces de 50 c",
                      "Total compté : 631,00 DH", "F10 Ouvrir la caisse", "F9 Rapports Z", "Échap Accueil"):
            assert shown in text, shown
        await pilot.press("f10")
        await wait_until(pilot, lambda: "D Dépôt" in "\n".join(screen_lines(app)))
        text = "\n".join(screen_lines(app))
        for shown in ("Caisse ouverte par Ali [b]VIP[/b] [/]", "R Retrait", "X Rapport X", "Z Clôture Z"):
            assert shown in text, shown


async def test_a_z_printer_failure_leaves_the_session_closed_and_offers_to_print_again(ui_settings,
                                                                                     tmp_path) -> None:
    broken = printer_settings(ui_settings, tmp_path / "missing-folder" / "out.bin")
    ctx = open_till(counter_context())
    app = till_app(broken, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await open_caisse(pilot)
        await pilot.press("z")
        await wait_until(pilot, lambda: isinstance(app.screen, CloseDialog))
        await pilot.press(*count_keys(FLOAT_COUNTS), "f10")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportDialog)
                         and text_of(app, "#report-status").startswith("Impression impossible"))
        assert TillSession.get().status == "closed" and ZReport.select().count() == 1
        (tmp_path / "missing-folder").mkdir()
        await pilot.press("i")  # printed again, once the printer answers
        await wait_until(pilot, lambda: text_of(app, "#report-status") == "Imprimé.")
    assert "RAPPORT Z N° 1" in printed_text(tmp_path / "missing-folder" / "out.bin")
    assert ZReport.select().count() == 1


async def test_back_from_another_screen_the_till_is_read_again(ui_settings) -> None:
    ctx = counter_context()
    app = till_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_caisse(pilot)
        assert screen.view is None
        # the till opened at this desk from another terminal, this cashier signed in again meanwhile
        other = open_till(ctx)
        app.context = people.sign_in(ctx.user, PIN, ctx.desk, ctx.today)
        await pilot.press("f9")
        await wait_until(pilot, lambda: not isinstance(app.screen, TillScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, TillScreen) and screen.view is not None)
        assert app.context.session_id == other.session_id

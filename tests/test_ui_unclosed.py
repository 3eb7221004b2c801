"""A paid sale is never stranded, a line is paid once, exact cash is a choice, F8 with a carnet left
unprinted asks, voids show in the sale's history. Keys through Pilot at 80×24, real SQLite, printer
``file:`` into tmp_path."""

from __future__ import annotations

import dataclasses

import pytest
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
from textual import events

from carnet_tui.services import printing
from carnet_tui.store.models import Billet, Payment, Sale, SaleLine, Void
from carnet_tui.ui.screens.dialogs import InfoDialog, MenuDialog, PaymentDialog, PrintCarnetDialog
from carnet_tui.ui.screens.history import HistoryScreen
from carnet_tui.ui.screens.home import HomeScreen
from carnet_tui.ui.screens.sale import SaleScreen
from carnet_tui.ui.screens.unclosed import LeaveSaleDialog, YesNoNow

SIZE = (80, 24)
CASHIER = "amina"  # the offer is for the sales the signed-in cashier opened


@pytest.fixture
def ui_settings(tmp_path):
    out = tmp_path / "out.bin"
    for settings in demo_settings(tmp_path):  # its clean-up runs once the test is over
        yield dataclasses.replace(settings, printer=dataclasses.replace(settings.printer, url=f"file:{out}"))


def printed(tmp_path) -> str:
    out = tmp_path / "out.bin"
    return out.read_bytes().decode("cp858") if out.exists() else ""


def sold_count(app) -> int:
    return app.get_screen("sale").query_one("#sold-table").row_count


def question(app) -> str:
    return str(app.screen.query_one("#question").render())


async def print_both(pilot) -> None:
    """F6: the receipt, then Oui for 815 and Oui for 815A."""
    app = pilot.app
    await pilot.press("f6")
    for number in ("20191220-815 ", "20191220-815A"):
        await wait_until(pilot, lambda n=number: isinstance(app.screen, PrintCarnetDialog)
                         and n in str(app.screen.query_one("#print-question").render()))
        await pilot.press("o")
    await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))


# --------------------------------------------------------------------------- a line is paid once
async def test_f4_enter_f4_enter_pays_one_line(ui_settings) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pilot.press("f4", "1", "2", "0", "0", "0", "enter", "f4", "enter", "f4", "f9", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        assert SaleLine.select().count() == 1 and Payment.select().count() == 1
        assert "déjà réglée" in str(app.screen.query_one("#sold-table").border_subtitle)
        # a fresh line: the carnet, tariff, quantity and validity back to their defaults, the client kept
        assert app.screen.query_one("#quantity").value == "1"
        assert app.screen.query_one("#validity-days").value == "60"
        assert text_of(app, "#client-chosen") == "→ Mohamed Bennani"
        # choosing again (here: another quantity) pays a second line
        await pilot.press("f2", "tab", "tab", "tab", "tab")
        await type_text(pilot, "3")
        await pay_cash(pilot, "")
        assert SaleLine.select().count() == 2
        assert Payment.select().order_by(Payment.id.desc()).get().amount_cents == 3 * 550000
        # Enter on a carnet is a choice too: the same line again is then paid
        await pilot.press("f4")
        assert isinstance(app.screen, SaleScreen)
        await pilot.press("f2", "tab", "tab", "enter")  # Liste des Carnets, Entrée
        await pay_cash(pilot, "")
        assert SaleLine.select().count() == 3


async def test_empty_tendered_is_refused_and_exact_cash_is_f9(ui_settings) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")  # Reçu left empty
        assert isinstance(app.screen, PaymentDialog)
        assert "montant reçu" in str(app.screen.query_one("#pay-error").render())
        assert not SaleLine.select().exists()
        await pilot.press("f9")  # Montant exact
        assert app.screen.query_one("#pay-tendered").value == "11 000,00"
        assert str(app.screen.query_one("#pay-change").render()) == "Rendu : 0,00 DH"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        payment = Payment.get()
        assert (payment.tendered_cents, payment.change_cents) == (1_100_000, 0)


async def test_the_window_shows_the_sale_total(ui_settings) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        # the same carnet again, quantity 1 typed: a line newly chosen, paid (not the paid-once guard)
        await pilot.press("f2", "tab", "tab", "tab", "tab", "1")
        await pay_cash(pilot, "")
        title = str(app.screen.query_one("#sold-table").border_title)
        assert title == "Carnets vendus (3) · vente 16 500,00 DH, réglée"
        assert app.screen.focused.id == "sold-table"  # after a payment
        await pilot.press("down", "down", "delete")  # the last line: 1 carnet
        await type_text(pilot, "erreur")
        await pilot.press("enter")
        await settle(pilot)
        assert "vente 11 000,00 DH" in str(app.screen.query_one("#sold-table").border_title)


# --------------------------------------------------------------------------- leaving a paid sale
async def test_ctrl_q_asks_plus_tard_quits_next_start_offers_and_f6_prints(ui_settings, tmp_path) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "12000")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, LeaveSaleDialog)
        text = str(app.screen.query_one("#leave-question").render())
        assert "N° 815" in text and "20191220-815, 20191220-815A" in text
        await pilot.press("escape")  # Annuler: stays
        assert isinstance(app.screen, SaleScreen) and app.is_running
        await pilot.press("ctrl+q", "p")  # Plus tard: quits
        await wait_until(pilot, lambda: app._exit_renderables is not None and not app.is_running)
    assert Sale.get().status == "open" and Sale.get().number == 815

    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, YesNoNow))
        assert "La vente N° 815 du 20/12/2019 (2 carnets, 11 000,00 DH) n'est pas clôturée" in question(app)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await settle(pilot)
        assert sold_count(app) == 2
        assert "Vente N° 815 du 20/12/2019" in text_of(app, "#sale-info")
        assert "vente 11 000,00 DH" in str(app.screen.query_one("#sold-table").border_title)
        await print_both(pilot)
        assert Billet.select().where(Billet.print_state == "sent").count() == 30
    out = printed(tmp_path)
    assert "TICKET DE CAISSE" in out and "20191220-815-015" in out and "20191220-815A-015" in out
    assert "DUPLICATA" not in out
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:  # closed now: nothing is offered
        await settle(pilot)
        await pilot.pause(0.2)
        assert isinstance(app.screen, HomeScreen)


async def test_escape_to_home_asks_and_the_window_keeps_the_sale(ui_settings, tmp_path) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("escape")
        assert isinstance(app.screen, LeaveSaleDialog)
        assert "prochain" not in str(app.screen.query_one("#leave-later").render())
        await pilot.press("a")  # Annuler
        assert isinstance(app.screen, SaleScreen)
        await pilot.press("escape", "p")  # Plus tard: home, the sale kept in the window
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("alt+a")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen) and sold_count(app) == 2  # as it was, nothing asked
        await pilot.press("escape", "p", "ctrl+q")  # from home, Ctrl+Q still asks about it
        assert isinstance(app.screen, LeaveSaleDialog)
        await pilot.press("c")  # Clôturer et imprimer maintenant: the window, the receipt, the billets
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        assert app.screen_stack[-2].id == "sale-screen"
        assert Sale.get().status == "closed" and "TICKET DE CAISSE" in printed(tmp_path)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog)
                         and "815A" in str(app.screen.query_one("#print-question").render()))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await pilot.press("ctrl+q")  # closed: nothing paid is stranded, it quits
        await wait_until(pilot, lambda: not app.is_running)


async def test_f8_on_an_open_sale_asks_plus_tard_sets_it_aside_and_alt_a_offers_it(ui_settings) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("f8")
        assert isinstance(app.screen, LeaveSaleDialog)
        await pilot.press("p")
        assert isinstance(app.screen, SaleScreen) and sold_count(app) == 0
        assert "815" in str(app.screen.query_one("#sold-table").border_subtitle)
        assert Sale.get().status == "open"
        await pilot.press("escape")  # an empty window: nothing asked
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("alt+a")
        await settle(pilot)
        assert isinstance(app.screen, YesNoNow) and "N° 815" in question(app)
        await pilot.press("n")  # not now: an empty window
        assert isinstance(app.screen, SaleScreen) and sold_count(app) == 0
        await pilot.press("escape", "alt+a")
        await settle(pilot)
        await pilot.press("enter")  # Oui is the default
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen) and sold_count(app) == 2
        assert app.screen.sale_id == Sale.get().id
        await pilot.press("f4")  # a fresh line: nothing chosen, nothing paid
        assert isinstance(app.screen, SaleScreen) and SaleLine.select().count() == 1


async def test_keys_typed_before_a_question_do_not_answer_it(ui_settings) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("f8")
        dialog = app.screen
        assert isinstance(dialog, LeaveSaleDialog)
        typed_ahead = events.Key("p", "p")  # "paul", the next client, typed right after F8
        typed_ahead.time = dialog.asked_at - 0.01
        app._driver.send_message(typed_ahead)
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("a")
        assert isinstance(app.screen, SaleScreen) and sold_count(app) == 2


# --------------------------------------------------------------------------- F8 with a "Non" carnet
async def test_f8_with_an_unprinted_carnet_asks_default_no(ui_settings) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog)
                         and "815A" in str(app.screen.query_one("#print-question").render()))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await pilot.press("f8")
        assert isinstance(app.screen, YesNoNow)
        assert "resteront non imprimés : 20191220-815A\n" in question(app)
        assert "20191220-815," not in question(app)
        await pilot.press("enter")  # the default: Non
        assert isinstance(app.screen, SaleScreen) and sold_count(app) == 2
        assert Sale.get().status == "closed"
        assert "gardée" in str(app.screen.query_one("#sold-table").border_subtitle)
        await pilot.press("f8", "o")
        await settle(pilot)
        assert Sale.get().status == "finalized" and sold_count(app) == 0


# --------------------------------------------------------------------------- the history
async def test_history_f7_takes_up_an_open_sale_and_f6_prints_it(ui_settings, tmp_path) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("f8", "p")  # 815 set aside
        await pick_manual_line(pilot, "1")
        await pay_cash(pilot, "")  # 816 in the window
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("tab", "down", "f7")  # 815, the second row (newest first)
        assert isinstance(app.screen, MenuDialog)
        assert [o.id for o in app.screen.query_one("#menu").options][0] == "take_up"
        assert "Reprendre la vente" in str(app.screen.query_one("#menu").get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)  # 816 is paid and open in the window: refused
        assert "816" in str(app.screen.query_one("#history-carnets").border_subtitle)
        await pilot.press("escape", "f8", "p", "f5")  # 816 set aside too
        await settle(pilot)
        await pilot.press("tab", "down", "f7", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        assert app.screen.sale_id == Sale.get(Sale.number == 815).id and sold_count(app) == 2
        await print_both(pilot)
        assert Sale.get(Sale.number == 815).status == "closed"
        assert Sale.get(Sale.number == 816).status == "open"
    assert printed(tmp_path).count("TICKET DE CAISSE") == 1


async def test_void_reason_who_and_when_are_in_the_sale_history(ui_settings) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("delete")
        await type_text(pilot, "erreur de tarif")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f7", "end", "enter")  # Historique de la vente
        assert isinstance(app.screen, InfoDialog)
        body = str(app.screen.query_one("#info-body").render())
        when = Void.get().voided_at
        assert (f"{when:%d/%m/%Y %H:%M} Ligne annulée 20191220-815, 20191220-815A (amina) : erreur de tarif"
                in body)
    entry = printing.sale_history(Sale.get().id)[0]
    assert (entry.what, entry.by, entry.reason) == ("void", "amina", "erreur de tarif")


async def test_another_cashiers_sale_is_not_offered_but_the_history_takes_it_up(ui_settings) -> None:
    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("ctrl+q", "p")
        await wait_until(pilot, lambda: not app.is_running)
    app = make_app(ui_settings, name="karim")  # another responsable signed in at the desk
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("alt+a")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen) and sold_count(app) == 0  # not offered
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("tab", "f7", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen) and sold_count(app) == 2)


def test_the_messages_fit_the_frame_they_are_said_in() -> None:
    """Said in a table's bottom frame (80 columns): a longer one would be cut with "…", which the
    Linux console cannot even draw."""
    from carnet_tui.domain.text import cell_width
    from carnet_tui.texts import t

    keys = ("msg.line_paid", "msg.sale_set_aside", "msg.sale_resumed", "msg.sale_kept", "msg.window_busy")
    for key in keys:
        assert cell_width(t(key, number=99999)) <= 74, key


async def test_at_start_the_unfinished_prints_are_asked_first_then_the_open_sale(ui_settings) -> None:
    from textual.screen import ModalScreen

    from carnet_tui.store.models import Carnet

    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)  # 815: closed, its carnet left at billet 6 of 15 (a crash)
        await pick_manual_line(pilot, "1")
        await pay_cash(pilot, "")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("o")  # finalized with its carnet unprinted
        await pick_manual_line(pilot, "1")  # 816: paid, left open
        await pay_cash(pilot, "")
        await pilot.press("ctrl+q")
        await pilot.press("p")
        await wait_until(pilot, lambda: not app.is_running)
    carnet = Carnet.get(Carnet.number == "20191220-815")
    Billet.update(print_state="sent").where((Billet.carnet == carnet) & (Billet.seq <= 6)).execute()

    app = make_app(ui_settings, name=CASHIER)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ModalScreen))
        assert not isinstance(app.screen, YesNoNow)  # the unfinished prints' question comes first
        await pilot.press("escape")  # not now
        await wait_until(pilot, lambda: isinstance(app.screen, YesNoNow))
        assert "N° 816 " in question(app)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen) and sold_count(app) == 1)

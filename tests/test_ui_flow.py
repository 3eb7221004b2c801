"""The manual's sale driven by keys through Pilot at 80×24, on a real SQLite file with demo data."""

from __future__ import annotations

from support.ui import (
    make_app,
    open_sale,
    pay_cash,
    pick_manual_line,
    settle,
    text_of,
    type_text,
    wait_until,
)

from carnet_tui.store.models import Billet, Carnet, Client, Sale, SaleLine, Void
from carnet_tui.ui.screens.dialogs import (
    NewClientDialog,
    PaymentDialog,
    PrintCarnetDialog,
    ReasonDialog,
)
from carnet_tui.ui.screens.home import HomeScreen
from carnet_tui.ui.screens.sale import SaleScreen

SIZE = (80, 24)


IDS = ("#beneficiary-type", "#client-search", "#carnet-list", "#tariff-table", "#quantity",
       "#validity-days", "#valid-until", "#total", "#sold-table")


def sold_numbers(app) -> list[str]:
    table = app.screen.query_one("#sold-table")
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_home_then_alt_a_opens_the_window_from_anywhere(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Ventes" in str(app.screen.query_one("#menu-sales").render())
        await pilot.press("enter")  # the Ventes menu's "Vente de Carnets"
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("alt+a")
        assert isinstance(app.screen, SaleScreen)
        await pilot.press("escape", "alt+shift+a")  # Caps Lock on
        assert isinstance(app.screen, SaleScreen)
        await pilot.press("f1")
        assert "Alt+A" in str(app.screen.query_one("#info-body").render())
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen)


async def test_window_fits_80x24_with_every_zone_reachable_by_tab(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        screen = app.screen
        for selector in IDS:
            region = screen.query_one(selector).region
            assert region.height >= 1 and region.bottom <= 24 and region.right <= 80, selector
        assert screen.query_one("#finalize").region.bottom <= 24
        assert screen.virtual_size.height <= 24  # no scrolling of the window itself
        reached = set()
        for _ in range(12):
            await pilot.press("tab")
            reached.add(f"#{screen.focused.id}")
        for selector in ("#beneficiary-type", "#client-search", "#client-results", "#carnet-list",
                         "#tariff-table", "#quantity", "#validity-days", "#finalize"):
            assert selector in reached
        # the sold table takes focus only once it holds a carnet; Shift+Tab goes back
        await pilot.press("shift+tab")
        assert screen.focused is not None


async def test_manual_example_end_to_end(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        assert text_of(app, "#client-chosen") == "→ Mohamed Bennani"
        assert text_of(app, "#total") == "11 000,00 DH"
        assert text_of(app, "#valid-until") == "jusqu'au 17/02/2020"
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, PaymentDialog)
        await type_text(pilot, "12000")
        assert str(app.screen.query_one("#pay-change").render()) == "Rendu : 1 000,00 DH"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        assert sold_numbers(app) == ["20191220-815", "20191220-815A"]
        payment = SaleLine.get().payments.get()
        assert (payment.method, payment.tendered_cents, payment.change_cents) == ("cash", 1200000, 100000)

        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        question = str(app.screen.query_one("#print-question").render())
        assert question == "Imprimer les billets du carnet N° 20191220-815 (15 billets) ?"
        first = app.screen
        await pilot.press("o")  # Oui: prints in a thread worker, with a progress bar
        await wait_until(pilot, lambda: app.screen is not first and isinstance(app.screen, PrintCarnetDialog))
        question = str(app.screen.query_one("#print-question").render())
        assert question == "Imprimer les billets du carnet N° 20191220-815A (15 billets) ?"
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        printed = {c.number: c for c in Carnet.select()}
        sent = Billet.select().where(Billet.print_state == "sent")
        assert {b.carnet.number for b in sent} == {"20191220-815"} and sent.count() == 15
        assert not printed["20191220-815A"].billets.where(Billet.print_state != "unprinted").exists()
        assert [str(app.screen.query_one("#sold-table").get_row_at(i)[-1]).strip() for i in (0, 1)] == [
            "oui", "non"]

        await pilot.press("f8")  # 815A left unprinted: asked first (test_ui_unclosed.py), Oui
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert app.screen.query_one("#sold-table").row_count == 0
        assert app.screen.query_one("#quantity").value == "1"
        assert app.screen.query_one("#client-search").value == ""
        assert app.screen.query_one("#validity-days").value == "60"
        assert Sale.get().status == "finalized"
        assert "Nouvelle vente" in text_of(app, "#sale-info")


async def test_bad_quantity_is_refused_beside_the_field(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        for typed, message in (("0", "entre 1 et 99"), ("100", "entre 1 et 99"), ("abc", "nombre entier")):
            await pick_manual_line(pilot, typed)
            assert message in text_of(app, "#line-error")
            assert text_of(app, "#total") == "-"
            assert app.screen.query_one("#quantity").has_class("-invalid")
            await pilot.press("f4")
            assert isinstance(app.screen, SaleScreen)  # no payment dialog
            assert app.screen.focused.id == "quantity"
        assert not Sale.select().exists()


async def test_bad_validity_is_refused_beside_the_field(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pilot.press("tab")  # Validité, its text selected
        for typed in ("0", "3651"):
            await pilot.press("end", "ctrl+u")  # clear the field, by keys
            await type_text(pilot, typed)
            assert "entre 1 et 3650" in text_of(app, "#line-error")
            assert text_of(app, "#valid-until") == ""
            await pilot.press("f4")
            assert isinstance(app.screen, SaleScreen)
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "3650")
        assert text_of(app, "#valid-until") == "jusqu'au 16/12/2029"  # 20/12/2019 + 3649 days
        assert text_of(app, "#line-error") == ""
        assert not Sale.select().exists()


async def test_too_little_cash_is_refused_in_the_dialog(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "10000")
        assert isinstance(app.screen, PaymentDialog)
        assert "insuffisant" in str(app.screen.query_one("#pay-error").render())
        assert str(app.screen.query_one("#pay-change").render()) == "Rendu : -"
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen)
        assert not Sale.select().exists() and not SaleLine.select().exists()


async def test_cheque_needs_its_number(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pilot.press("f4", "shift+tab", "right", "right")  # Mode: Chèque
        await pilot.press("enter")
        assert "chèque" in str(app.screen.query_one("#pay-error").render())
        await pilot.press("tab")
        await type_text(pilot, "1234567")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        assert SaleLine.get().payments.get().cheque_number == "1234567"


async def test_escape_in_each_dialog_changes_nothing(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        clients = Client.select().count()
        await pilot.press("f3")
        assert isinstance(app.screen, NewClientDialog)
        await type_text(pilot, "Nouveau Client")
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen) and Client.select().count() == clients

        await pick_manual_line(pilot, "2")
        await pilot.press("f4")
        await type_text(pilot, "12000")
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen) and not Sale.select().exists()

        await pay_cash(pilot, "12000")
        await pilot.press("delete")  # the sold table has the focus after a payment
        assert isinstance(app.screen, ReasonDialog)
        await type_text(pilot, "erreur")
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen) and not Void.select().exists()

        await pilot.press("f7")
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen)

        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        await pilot.press("escape")  # Non for the first carnet
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog)
                         and "815A" in str(app.screen.query_one("#print-question").render()))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        assert not Billet.select().where(Billet.print_state != "unprinted").exists()


async def test_voiding_a_line_needs_a_reason(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        assert sold_numbers(app) == ["20191220-815", "20191220-815A"]
        await pilot.press("delete")
        await pilot.press("enter")
        assert isinstance(app.screen, ReasonDialog)
        assert str(app.screen.query_one("#reason-error").render()) == "Le motif est obligatoire."
        await type_text(pilot, "erreur de tarif")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        void = Void.get()
        assert void.reason == "erreur de tarif" and void.line.voided
        table = app.screen.query_one("#sold-table")
        assert [str(table.get_row_at(i)[-1]).strip() for i in (0, 1)] == ["annulé", "annulé"]
        await pilot.press("f6")  # nothing left to close: the only line is void
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        assert Sale.get().status == "open"


async def test_new_client_checks_phone_then_is_found(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pilot.press("f3")
        await pilot.press("enter")
        assert "obligatoire" in str(app.screen.query_one("#client-name-error").render())
        await type_text(pilot, "Zakaria Testeur")
        await pilot.press("tab")
        await type_text(pilot, "12ab")
        await pilot.press("enter")
        assert "Téléphone invalide" in str(app.screen.query_one("#client-phone-error").render())
        assert app.screen.focused.id == "client-phone"
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "0612345678")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        assert Client.get(Client.name == "Zakaria Testeur").phone == "0612345678"
        assert text_of(app, "#client-chosen") == "→ Zakaria Testeur"


async def test_search_is_filtered_by_beneficiary_type(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        screen = app.screen
        await pilot.press("shift+tab")  # Bénéficiaire
        assert screen.focused.id == "beneficiary-type"
        for letter in ("a", "v", "p"):
            await pilot.press(letter)
            await settle(pilot)
            assert screen.clients and {c.beneficiary_type for c in screen.clients} == {letter.upper()}
            assert all(letter.upper() in t.beneficiary_types or not t.beneficiary_types
                       for t in screen.tariffs)


async def test_palette_opens_the_window_and_no_cursor_blinks(ui_settings) -> None:
    from textual.command import CommandPalette
    from textual.widgets import Input

    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.animation_level == "none"
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await type_text(pilot, "vente de")
        await wait_until(pilot, lambda: app.screen.query_one("CommandList").option_count > 0)
        assert not any(field.cursor_blink for field in app.screen.query(Input))
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await pilot.press("f4")  # every dialog's inputs too
        for screen in (app.screen, app.screen_stack[-2]):
            assert not any(field.cursor_blink for field in screen.query(Input))


async def test_arrows_move_between_zones(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        screen = app.screen
        path = []
        for key in ("up", "down", "down"):
            await pilot.press(key)
            path.append(screen.focused.id)
        assert path == ["beneficiary-type", "client-search", "client-results"]
        await pilot.press("tab", "tab", "tab")  # carnets, tariffs, quantity
        await pilot.press("up")
        assert screen.focused.id == "tariff-table"


async def test_enter_walks_the_line_to_the_payment(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pilot.press("enter")  # search → results
        assert app.screen.focused.id == "client-results"
        for expected in ("carnet-list", "tariff-table", "quantity", "validity-days"):
            await pilot.press("enter")
            assert app.screen.focused.id == expected
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaymentDialog)
        await pilot.press("f9", "enter")  # exact cash
        await settle(pilot)
        assert sold_numbers(app) == ["20191220-815"]


async def test_a_closed_sale_takes_no_line_no_void_and_f6_asks_again(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog)
                         and "815A" in str(app.screen.query_one("#print-question").render()))
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await pilot.press("delete")
        assert isinstance(app.screen, SaleScreen) and not Void.select().exists()
        assert "clôturée" in str(app.screen.query_one("#sold-table").border_subtitle)
        await pilot.press("f4")
        assert isinstance(app.screen, SaleScreen) and SaleLine.select().count() == 1
        await pilot.press("f6")  # the two unprinted carnets are asked for again, in order
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        assert "20191220-815 " in str(app.screen.query_one("#print-question").render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog)
                         and "815A" in str(app.screen.query_one("#print-question").render()))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))

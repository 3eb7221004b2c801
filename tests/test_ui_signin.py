"""Sign-in, wrong PINs and the lock-out, the idle lock with a sale in progress, unlocking by another
user, changing cashier: by keys through Pilot at 80×24 on a real SQLite store with real PIN hashes."""

from __future__ import annotations

import dataclasses

import pytest
from support.day import (
    CASHIER,
    CONTROLEUR,
    PIN,
    RESPONSABLE,
    add_people,
    journal_head,
    journal_kinds,
    paid_open_sale,
    signed_in,
    wait_seconds,
)
from support.ui import (
    MANUAL_DAY,
    demo_settings,
    open_sale,
    pay_cash,
    pick_manual_line,
    settle,
    type_text,
    wait_until,
)
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from carnet_tui.settings import CounterSettings
from carnet_tui.store.models import User
from carnet_tui.ui.app import CarnetApp
from carnet_tui.ui.screens.home import HomeScreen
from carnet_tui.ui.screens.sale import SaleScreen
from carnet_tui.ui.screens.signin import LockScreen, SignInScreen
from carnet_tui.ui.screens.unclosed import YesNoNow

SIZE = (80, 24)


@pytest.fixture
def ui_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("CARNET_CASHIER", CASHIER)
    yield from demo_settings(tmp_path)


@pytest.fixture
def people(ui_settings):
    add_people()
    return ui_settings


def idle_after(settings, seconds: float):
    return dataclasses.replace(settings, counter=CounterSettings(idle_lock_minutes=seconds / 60))


def error_text(app) -> str:
    return str(app.screen.query_one("#pin-error", Static).render())


def pin_field(app) -> Input:
    return app.screen.query_one("#pin", Input)


def chosen(app) -> str:
    return app.screen.chosen_name()


async def signin_ready(pilot) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SignInScreen)
                     and pilot.app.screen._loaded.is_set())


async def test_the_app_opens_on_sign_in_and_a_pin_opens_home(people) -> None:
    app = CarnetApp(people, today=MANUAL_DAY)
    async with app.run_test(size=SIZE) as pilot:
        await signin_ready(pilot)
        assert app.context is None
        assert app.screen.names == ["amina", "karim", "nadia", "youssef"]
        assert chosen(app) == CASHIER  # CARNET_CASHIER (the CLI's --cashier) preselects the name
        assert app.screen.focused is pin_field(app)
        before = journal_head()
        await pilot.press("down")  # ↓ in the PIN field changes the name
        assert chosen(app) == RESPONSABLE
        await type_text(pilot, PIN)
        assert pin_field(app).value == PIN
        assert "1234" not in str(pin_field(app).render_line(0).text)  # shown as stars
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.context is not None and app.context.user == RESPONSABLE
        assert app.context.today == MANUAL_DAY and app.context.desk == people.counter.desk
        assert "karim · responsable · Caisse 1" in str(app.screen.query_one("#home-user").render())
    assert journal_kinds(before) == [("sign_in", RESPONSABLE)]


async def test_only_digits_reach_the_pin(people) -> None:
    app = CarnetApp(people, today=MANUAL_DAY)
    async with app.run_test(size=SIZE) as pilot:
        await signin_ready(pilot)
        await type_text(pilot, "12a3b4 56789")
        assert pin_field(app).value == "12345678"  # letters refused, 8 digits at most


async def test_wrong_pins_are_said_in_place_and_five_lock_the_user(people) -> None:
    app = CarnetApp(people, today=MANUAL_DAY)
    async with app.run_test(size=SIZE) as pilot:
        await signin_ready(pilot)
        before = journal_head()
        for left in (4, 3, 2, 1):
            await type_text(pilot, "9999")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen) and app.context is None
            assert error_text(app) == f"Code PIN incorrect. Encore {left} essai(s) avant le blocage."
            assert pin_field(app).value == ""  # the next try starts blank, the name stays
            assert chosen(app) == CASHIER
        await type_text(pilot, "9999")
        await pilot.press("enter")
        await settle(pilot)
        assert "bloqué pendant 5 min" in error_text(app)
        await type_text(pilot, PIN)  # the right PIN, too late: still locked
        await pilot.press("enter")
        await settle(pilot)
        assert "bloqué" in error_text(app) and app.context is None
        assert isinstance(app.screen, SignInScreen)
        # another user signs in meanwhile
        await pilot.press("down")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.context.user == RESPONSABLE
    kinds = journal_kinds(before)
    assert kinds.count(("pin_failed", CASHIER)) == 5
    assert ("user_locked", CASHIER) in kinds
    assert User.get(User.name == CASHIER).locked_until > 0


async def test_without_any_user_the_screen_says_how_to_create_the_first(ui_settings) -> None:
    app = CarnetApp(ui_settings, today=MANUAL_DAY)
    async with app.run_test(size=SIZE) as pilot:
        await signin_ready(pilot)
        assert "carnet-tui user add NOM --role admin" in error_text(app)
        await pilot.press(*"1234", "enter", "alt+a")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.context is None


async def test_section_keys_are_refused_before_sign_in(people) -> None:
    app = CarnetApp(people, today=MANUAL_DAY)
    async with app.run_test(size=SIZE) as pilot:
        await signin_ready(pilot)
        await pilot.press("alt+a", "f5", "f12", "alt+l")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.context is None


async def test_alt_a_typed_right_after_the_pin_opens_the_sale_window(people) -> None:
    """Typed ahead (SSH delivers keys together): Alt+A and the search after it wait for the sign-in."""
    app = CarnetApp(people, today=MANUAL_DAY)
    async with app.run_test(size=SIZE) as pilot:
        await signin_ready(pilot)
        await pilot.press(*PIN, "enter", "alt+a", *"moh")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen) and app.context.user == CASHIER
        assert app.screen.query_one("#client-search", Input).value == "moh"
        # the home screen under it (built when first shown if the sign-in was still running when
        # Alt+A came): Échap shows it whole, its menu focused
        home = app.screen_stack[-2]
        assert isinstance(home, HomeScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home and isinstance(app.focused, OptionList)
        assert app.focused.id == "home-menu" and app.focused.option_count > 3
        assert CASHIER in str(home.query_one("#home-user", Static).render())


async def test_a_deferred_home_screen_is_built_when_first_shown(people) -> None:
    """Gone over at once (Alt+A typed with a PIN typed ahead): no widgets until it shows."""
    ctx = signed_in(CASHIER, today=MANUAL_DAY)
    app = CarnetApp(people, today=MANUAL_DAY, context=ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.pop_screen()  # the home screen of the start, replaced by a deferred one
        home = HomeScreen("Piscine", ctx, deferred=True)
        app.push_screen(home)
        app.push_screen(Screen(id="over-it"))  # in the same turn, as the sale window is
        await settle(pilot)
        assert app.screen.id == "over-it" and not home.query("#home-menu")
        home.show_sections(ctx)  # another user's unlock rebuilds the menu: kept for later
        app.pop_screen()
        await settle(pilot)
        assert app.screen is home and app.focused is home.query_one("#home-menu", OptionList)
        assert app.focused.option_count > 3
        assert CASHIER in str(home.query_one("#home-user", Static).render())


async def test_the_home_screen_is_built_at_once_when_no_key_waits(people) -> None:
    app = CarnetApp(people, today=MANUAL_DAY)
    async with app.run_test(size=SIZE) as pilot:
        await signin_ready(pilot)
        await pilot.press(*PIN, "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.focused.id == "home-menu"


async def test_the_cashiers_open_sale_is_offered_after_sign_in(people) -> None:
    ctx = signed_in(CASHIER, today=MANUAL_DAY)
    first = CarnetApp(people, today=MANUAL_DAY, context=ctx)
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paid_open_sale(pilot, first)
    app = CarnetApp(people, today=MANUAL_DAY)
    async with app.run_test(size=SIZE) as pilot:
        await signin_ready(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)  # nothing asked before someone is signed in
        await pilot.press(*PIN, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, YesNoNow))
        assert "La vente N° 815 " in str(app.screen.query_one("#question").render())


# ---------------------------------------------------------------------------- the idle lock
async def _sale_with_typed_text(pilot) -> SaleScreen:
    """A paid line in the window, then "benn" typed in the client search (not yet validated)."""
    await open_sale(pilot)
    await pick_manual_line(pilot, "2")
    await pay_cash(pilot, "12000")
    window = pilot.app.screen
    assert isinstance(window, SaleScreen)
    await wait_until(pilot, lambda: window.query_one("#sold-table").row_count == 2)
    await pilot.press("f2")
    await type_text(pilot, "benn")
    await settle(pilot)
    return window


async def test_idle_time_locks_and_the_same_cashier_finds_the_sale_as_it_was(people) -> None:
    ctx = signed_in(CASHIER, today=MANUAL_DAY)
    app = CarnetApp(idle_after(people, 2.0), today=MANUAL_DAY, context=ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        window = await _sale_with_typed_text(pilot)
        search = window.query_one("#client-search", Input)
        assert window.focused is search
        await wait_seconds(pilot, lambda: isinstance(app.screen, LockScreen))
        assert app.locked
        # nothing of the sale shows, nothing opens, nothing quits
        assert not app.screen.query("#sold-table")
        await pilot.press("alt+a", "f5", "f12", "ctrl+q", "escape")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen) and app.is_running
        assert chosen(app) == CASHIER
        await type_text(pilot, "0000")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert "Code PIN incorrect" in error_text(app)
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is window and not app.locked
        assert search.value == "benn" and window.focused is search
        assert window.query_one("#sold-table").row_count == 2
        assert app.context.user == CASHIER
        await type_text(pilot, "a")  # the typing goes on where it was
        assert search.value == "benna"


async def test_another_user_unlocks_and_takes_over_the_sale(people) -> None:
    ctx = signed_in(CASHIER, today=MANUAL_DAY)
    app = CarnetApp(people, today=MANUAL_DAY, context=ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        window = await _sale_with_typed_text(pilot)
        sale_id = window.sale_id
        before = journal_head()
        await pilot.press("alt+l")  # locked by hand, as the idle time does
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        await pilot.press("down")
        assert chosen(app) == RESPONSABLE
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: not any(w.group == "sign-out" and w.is_running for w in app.workers))
        assert app.screen is window and window.sale_id == sale_id
        assert window.query_one("#client-search", Input).value == "benn"
        assert window.query_one("#sold-table").row_count == 2
        assert app.context.user == RESPONSABLE and app.context.user_id != ctx.user_id
    kinds = journal_kinds(before)
    assert ("sign_in", RESPONSABLE) in kinds and ("sign_out", CASHIER) in kinds


async def test_a_controleur_unlocking_is_taken_to_home_the_sale_kept(people) -> None:
    ctx = signed_in(CASHIER, today=MANUAL_DAY)
    app = CarnetApp(people, today=MANUAL_DAY, context=ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        window = await _sale_with_typed_text(pilot)
        await pilot.press("alt+l")
        await settle(pilot)
        await pilot.press("down", "down", "down")
        assert chosen(app) == CONTROLEUR
        await pilot.press(*PIN, "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.context.user == CONTROLEUR
        menu = app.screen.query_one("#home-menu", OptionList)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        assert "open-sale" not in ids
        await pilot.press("alt+a")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # refused to this role
        # the cashier comes back: the window as it was
        await pilot.press("alt+l")
        await settle(pilot)
        await pilot.press(*PIN, "enter")  # youssef preselected: the one who locked
        await settle(pilot)
        assert app.context.user == CONTROLEUR
        await pilot.press("alt+l")
        await settle(pilot)
        await pilot.press("up", "up", "up", *PIN, "enter")
        await settle(pilot)
        assert app.context.user == CASHIER
        await pilot.press("alt+a")
        await settle(pilot)
        assert app.screen is window and window.query_one("#sold-table").row_count == 2


# ---------------------------------------------------------------------------- changing cashier
async def test_changing_cashier_signs_out_and_the_next_one_signs_in(people) -> None:
    ctx = signed_in(CASHIER, today=MANUAL_DAY)
    app = CarnetApp(people, today=MANUAL_DAY, context=ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_sale(pilot)
        await pilot.press("f2")
        await type_text(pilot, "moh")  # typed, nothing paid: the window is emptied
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        before = journal_head()
        await pilot.press("f12")
        await settle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen) and app.screen._loaded.is_set())
        assert app.context is None and not app.is_screen_installed("sale")
        await wait_until(pilot, lambda: ("sign_out", CASHIER) in journal_kinds(before))
        await pilot.press("down", *PIN, "enter", "alt+a")
        await settle(pilot)
        assert app.context.user == RESPONSABLE
        assert isinstance(app.screen, SaleScreen)
        assert app.screen.query_one("#client-search", Input).value == ""


async def test_changing_cashier_is_refused_while_a_paid_sale_is_not_closed(people) -> None:
    ctx = signed_in(CASHIER, today=MANUAL_DAY)
    app = CarnetApp(people, today=MANUAL_DAY, context=ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paid_open_sale(pilot, app)
        await pilot.press("f12")
        await settle(pilot)
        assert app.context.user == CASHIER and isinstance(app.screen, SaleScreen)
        said = [n.message for n in app._notifications]
        assert any("pas clôturée" in message and "Alt+L" in message for message in said)

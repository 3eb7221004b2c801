"""One list of sections builds the home menu, the keys, the palette and F1's help; what a role may
not use is hidden everywhere and its key refused. Adding a section is one entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.day import ADMIN, CASHIER, CONTROLEUR, PIN, RESPONSABLE, add_people, signed_in
from support.ui import MANUAL_DAY, demo_settings, settle, wait_until
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static

from carnet_tui.domain.context import Permission
from carnet_tui.ui import app as app_module
from carnet_tui.ui import sections
from carnet_tui.ui.app import CarnetApp
from carnet_tui.ui.screens.dialogs import InfoDialog
from carnet_tui.ui.screens.history import HistoryScreen
from carnet_tui.ui.screens.home import HomeScreen
from carnet_tui.ui.screens.sale import SaleScreen
from carnet_tui.ui.screens.signin import SignInScreen

SIZE = (80, 24)
SELLING = ["open-sale", "open-history", "till", "reports"]
SESSION = ["lock", "change-cashier"]
MANAGING = ["bo-models", "bo-clients"]
EXPECTED = {
    CASHIER: SELLING + SESSION,
    RESPONSABLE: SELLING + ["door"] + MANAGING + SESSION,
    ADMIN: SELLING + ["door"] + MANAGING + SESSION,
    CONTROLEUR: ["door"] + SESSION,
}


@pytest.fixture
def ui_settings(tmp_path):
    for settings in demo_settings(tmp_path):
        add_people()
        yield settings


def menu_ids(app) -> list[str]:
    menu = app.screen.query_one("#home-menu", OptionList)
    options = [menu.get_option_at_index(i) for i in range(menu.option_count)]
    return [o.id for o in options if o.id]


def palette_titles(app) -> list[str]:
    return [str(command.title) for command in app.get_system_commands(app.screen)]


@pytest.mark.parametrize("name", [CASHIER, RESPONSABLE, ADMIN, CONTROLEUR])
async def test_what_each_role_sees_and_may_open(ui_settings, name: str) -> None:
    ctx = signed_in(name, today=MANUAL_DAY, open_till=name != CONTROLEUR)
    app = CarnetApp(ui_settings, today=MANUAL_DAY, context=ctx)
    expected = EXPECTED[name]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert menu_ids(app) == expected
        titles = palette_titles(app)
        for section in sections.SECTIONS:
            from carnet_tui.texts import t

            assert (t(section.title) in titles) is (section.id in expected), section.id
        await pilot.press("f1")
        help_text = str(app.screen.query_one("#info-body", Static).render())
        assert ("Alt+A" in help_text) is ("open-sale" in expected)
        assert ("F5 " in help_text) is ("open-history" in expected)
        assert "Alt+L" in help_text and "F12" in help_text
        await pilot.press("escape")
        await pilot.press("alt+a")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen) is ("open-sale" in expected)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen) is ("open-history" in expected)
        shown = {key for key, *_ in app.screen.query_one("KeyBar").items()}
        assert ("Alt+A" in shown) is ("open-sale" in expected)


async def test_the_home_menu_opens_each_entry_by_enter(ui_settings) -> None:
    app = CarnetApp(ui_settings, today=MANUAL_DAY, context=signed_in(CASHIER, today=MANUAL_DAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Ventes" in str(app.screen.query_one("#menu-sales", Label).render())
        await pilot.press("down", "enter")  # Historique des ventes
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await down_to(pilot, "lock")  # the groups' titles are skipped: Caisse, Rapports, Verrouiller
        await pilot.press("enter")
        await settle(pilot)
        assert app.locked
        await pilot.press(*PIN, "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("down", "enter")  # Changer de caissier
        await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert app.context is None


async def down_to(pilot, option_id: str) -> None:
    """Arrow down the home menu to ``option_id`` (the menu's order is the sections list's)."""
    menu = pilot.app.screen.query_one("#home-menu", OptionList)
    for _ in range(menu.option_count):
        option = menu.get_option_at_index(menu.highlighted) if menu.highlighted is not None else None
        if option is not None and option.id == option_id:
            return
        await pilot.press("down")
    raise AssertionError(f"{option_id} not in the home menu")


class TillTestScreen(Screen[None]):
    BINDINGS = [("escape", "app.go_home", "Accueil")]

    def compose(self) -> ComposeResult:
        yield Label("Caisse de test", id="till-test")


async def test_a_new_section_is_one_entry(ui_settings, monkeypatch) -> None:
    """A screen section: in the menu of who may open it, its key, the palette, the help."""
    entry = sections.Section("till-test", "alt+t", "Alt+T", "section.history", "section.history.help",
                             Permission.SELL, screen=f"{__name__}:TillTestScreen",
                             group="section.group.session")
    monkeypatch.setattr(sections, "SECTIONS", (*sections.SECTIONS, entry))

    class App(CarnetApp):  # the app's keys are built when its class is: built again with the entry
        BINDINGS = sections.bindings()
        CSS_PATH = Path(app_module.__file__).with_name("carnet.tcss")

    for name, allowed in ((CASHIER, True), (CONTROLEUR, False)):
        ctx = signed_in(name, today=MANUAL_DAY, open_till=allowed)
        app = App(ui_settings, today=MANUAL_DAY, context=ctx)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert ("till-test" in menu_ids(app)) is allowed
            assert ("Alt+T" in app.help_text()) is allowed
            await pilot.press("alt+t")
            await settle(pilot)
            assert isinstance(app.screen, TillTestScreen) is allowed
            if allowed:
                assert app.screen.id == "till-test-screen"
                await pilot.press("alt+a")  # the sale window over it, then home leaves both
                await settle(pilot)
                await pilot.press("alt+t")
                await settle(pilot)
                assert isinstance(app.screen, TillTestScreen)
                await pilot.press("escape")
                await wait_until(pilot, lambda a=app: isinstance(a.screen, HomeScreen))


async def test_help_over_a_dialog_and_palette_without_sections_when_locked(ui_settings) -> None:
    app = CarnetApp(ui_settings, today=MANUAL_DAY, context=signed_in(CASHIER, today=MANUAL_DAY))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("alt+l")
        await settle(pilot)
        assert app.locked
        from carnet_tui.texts import t

        assert palette_titles(app) == [t("key.help")]
        await pilot.press("f1")
        assert isinstance(app.screen, InfoDialog)
        assert "Alt+A" not in str(app.screen.query_one("#info-body", Static).render())

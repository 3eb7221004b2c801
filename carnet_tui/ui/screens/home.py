"""Accueil: the application's entries, with the Ventes menu holding Vente de Carnets."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from carnet_tui.texts import t
from carnet_tui.ui.literal import literal
from carnet_tui.ui.widgets import KeyBar, KeyList


class HomeScreen(Screen[None]):
    AUTO_FOCUS = "#home-menu"

    def __init__(self, venue: str) -> None:
        super().__init__(id="home-screen")
        self.venue = venue

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            # the venue's name is a setting: shown as written, on one line
            yield Label(literal(f"{t('app.title')} · {self.venue}", width=74), id="home-title")
            yield Label(t("home.menu.sales"), id="menu-sales", classes="menu-title")
            yield KeyList(Option(f"{t('home.menu.sale_carnets'):<26}Alt+A", id="sale-carnets"),
                          Option(f"{t('home.menu.history'):<26}F5", id="sales-history"),
                          id="home-menu")
            yield Static(t("home.hint"), id="home-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        menu = self.query_one("#home-menu", OptionList)
        menu.highlighted = 0

    @on(OptionList.OptionSelected, "#home-menu")
    async def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "sale-carnets":
            await self.app.run_action("open_sale")
        elif event.option.id == "sales-history":
            await self.app.run_action("open_history")

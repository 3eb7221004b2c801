"""Accueil: the sections the signed-in role may open (ui/sections.py), grouped, each with its key."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from carnet_tui.domain.context import Context
from carnet_tui.texts import t
from carnet_tui.ui import sections
from carnet_tui.ui.literal import literal
from carnet_tui.ui.widgets import KeyBar, KeyList


class HomeScreen(Screen[None]):
    AUTO_FOCUS = "#home-menu"

    def __init__(self, venue: str, ctx: Context | None = None, *, deferred: bool = False) -> None:
        """``deferred``: another screen goes over this one at once (Alt+A typed with a PIN typed
        ahead): its widgets are made when it is first shown, not on the way to that screen (they
        cost 30–40 ms of a login that never shows them)."""
        super().__init__(id="home-screen")
        self.venue = venue
        self.ctx = ctx
        self._deferred = deferred

    def compose(self) -> ComposeResult:
        if not self._deferred:
            yield from self._content()

    def _content(self) -> ComposeResult:
        with Vertical(id="home"):
            # the venue's name is a setting: shown as written, on one line
            yield Label(literal(f"{t('app.title')} · {self.venue}", width=74), id="home-title")
            yield Label("", id="menu-sales", classes="menu-title")
            yield KeyList(id="home-menu")
            yield Static(t("home.hint"), id="home-hint")
            yield Static("", id="home-user")
        yield KeyBar()

    def on_mount(self) -> None:
        if not self._deferred:
            self.show_sections(self.ctx)

    async def on_screen_resume(self) -> None:
        # shown, or seen through a dialog (not under the window pushed over it in the same turn)
        if self._deferred and (self.app.screen is self or isinstance(self.app.screen, ModalScreen)):
            self._deferred = False
            await self.mount_compose(self._content())
            self.show_sections(self.ctx)
            self.set_focus(self.query_one(self.AUTO_FOCUS))

    def show_sections(self, ctx: Context | None) -> None:
        """The menu of what ``ctx``'s role may open: the first group's title above the list, the
        others as lines of the list that cannot be chosen."""
        self.ctx = ctx
        if self._deferred:
            return  # made with ``ctx``'s sections when first shown
        shown = sections.allowed(ctx)
        menu = self.query_one("#home-menu", OptionList)
        menu.clear_options()
        options: list[Option] = []
        group = shown[0].group if shown else "home.menu.sales"
        for section in shown:
            if section.group != group:
                group = section.group
                options.append(Option(f"── {t(group)} ──", disabled=True))
            options.append(Option(f"{t(section.title):<26}{section.key_display}", id=section.id))
        menu.add_options(options)
        menu.styles.height = len(options) + 2
        if options:
            menu.highlighted = 0
        self.query_one("#menu-sales", Label).update(t(shown[0].group if shown else "home.menu.sales"))
        user = "" if ctx is None else t("home.user", user=ctx.user, role=ctx.role.value, desk=ctx.desk)
        self.query_one("#home-user", Static).update(literal(user))

    @on(OptionList.OptionSelected, "#home-menu")
    async def chosen(self, event: OptionList.OptionSelected) -> None:
        section = sections.by_id(event.option.id or "")
        if section is None:
            return
        if section.action == "change_cashier":
            # it pops this screen: run by the app once this handler is over (awaited here, it
            # would wait for itself)
            self.app.call_later(self.app.run_action, section.run)
            return
        # awaited: keys typed after Enter go to the screen it opens, as typed slowly
        await self.app.run_action(section.run)

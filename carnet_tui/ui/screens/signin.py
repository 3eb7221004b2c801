"""Identification: the app opens here; the idle lock is the same form over the work in progress.

The PIN field has the focus from the first frame (keys typed while the store opens are kept); ↑/↓
there change the name. Enter checks the PIN off the UI thread (``services.people.sign_in``: scrypt,
and a failure is journaled); a refusal (wrong PIN, locked, unknown) is said under the field and
nothing else changes. The lock screen is a full screen pushed over everything (nothing of the sale
shows through); unlocking pops it, and the sale, its lines and typed text are where they were.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from carnet_tui.domain.context import Context
from carnet_tui.services.pin_ahead import preselected
from carnet_tui.texts import t
from carnet_tui.ui.literal import literal
from carnet_tui.ui.threads import close_thread_connection
from carnet_tui.ui.widgets import KeyBar, KeyList, PinInput, drain

if TYPE_CHECKING:
    from carnet_tui.services.people import UserView
    from carnet_tui.ui.offthread import Refusal

# the store and the offthread helper (peewee) are imported on first use: this is the first screen

SUBMIT = Binding("enter", "submit", t("key.validate"), key_display=t("keycap.enter"), priority=True)


class NamePin:
    """A list of names and a PIN field: ↑/↓ in the field move the list, a refusal shows under it.
    Mixed into a Screen; ``NAMES``, ``PIN`` and ``ERROR`` are the ids of its widgets."""

    NAMES = "#names"
    PIN = "#pin"
    ERROR = "#pin-error"
    names: list[str]

    def name_options(self, names: list[str], preselect: str | None) -> None:
        self.names = names
        menu: OptionList = self.query_one(self.NAMES, OptionList)  # type: ignore[attr-defined]
        menu.clear_options()
        menu.add_options([Option(literal(name, width=30)) for name in names])
        if names:
            # the rule a PIN typed before this screen followed (services/pin_ahead.py)
            menu.highlighted = names.index(preselected(names, preselect))

    def chosen_name(self) -> str | None:
        menu: OptionList = self.query_one(self.NAMES, OptionList)  # type: ignore[attr-defined]
        index = menu.highlighted
        return self.names[index] if index is not None and 0 <= index < len(self.names) else None

    def action_move_name(self, step: int) -> None:
        menu: OptionList = self.query_one(self.NAMES, OptionList)  # type: ignore[attr-defined]
        if menu.option_count:
            menu.highlighted = ((menu.highlighted or 0) + step) % menu.option_count

    def say(self, message: str) -> None:
        self.query_one(self.ERROR, Static).update(literal(message) if message else "")  # type: ignore[attr-defined]

    def clear_pin(self) -> None:
        field = self.query_one(self.PIN, PinInput)  # type: ignore[attr-defined]
        field.value = ""
        self.set_focus(field)  # type: ignore[attr-defined]


def _active_users() -> list[UserView]:
    """In a worker thread: who may sign in, by name."""
    try:
        from carnet_tui.services import people

        return people.list_users(include_disabled=False)
    finally:
        close_thread_connection()


class SignInScreen(NamePin, Screen[None]):
    """Choose the name, type the PIN, Enter."""

    AUTO_FOCUS = "#pin"
    BINDINGS = [
        SUBMIT,
        Binding("up", "move_name(-1)", show=False),
        Binding("down", "move_name(1)", show=False),
    ]
    TITLE_KEY = "signin.title"
    HINT_KEY = "signin.hint"

    def __init__(self, venue: str, desk: str, preselect: str | None = None, *,
                 id: str = "signin-screen") -> None:
        super().__init__(id=id)
        self.venue = venue
        self.desk = desk
        self.preselect = preselect  # None: the desk's cashier (CARNET_CASHIER), if listed
        self.names = []
        self._loaded = asyncio.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="signin"):
            yield Label(literal(f"{t('app.title')} · {self.venue}", width=74), id="home-title")
            yield Label(t(self.TITLE_KEY), id="signin-title", classes="menu-title")
            yield from self.compose_notice()
            yield Static(literal(t("signin.desk", desk=self.desk)), id="signin-desk")
            with Horizontal(classes="signin-row", id="signin-names-row"):
                yield Label(t("signin.name"), classes="field-label")
                yield KeyList(id="names")
            with Horizontal(classes="signin-row", id="signin-pin-row"):
                yield Label(t("signin.pin"), classes="field-label")
                yield PinInput(id="pin")
            yield Static("", id="pin-error", classes="error")
            yield Static(t(self.HINT_KEY), id="signin-hint", classes="hint")
        yield KeyBar()

    def compose_notice(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.run_worker(self._load_users(), group="signin-users", exit_on_error=False)

    async def _load_users(self) -> None:
        app: Any = self.app
        if not await app.store_opened():
            return
        from carnet_tui.ui import offthread

        outcome = await asyncio.to_thread(offthread.call, _active_users,
                                          data_dir=getattr(app.settings, "data_dir", None))
        if outcome.refusal is not None:
            self.say(outcome.refusal.message)
            return
        users = outcome.value or []
        self.name_options([u.name for u in users], self.preselect)
        if not users:
            self.query_one("#signin-pin-row").display = False
            self.say(t("signin.no_user"))
        self._loaded.set()

    async def action_submit(self) -> None:
        await drain(self.focused)  # the digits typed before Enter are in the field
        await self._loaded.wait()  # typed while the store opened: the names come first
        if not self.names:
            return
        name = self.chosen_name()
        field = self.query_one("#pin", PinInput)
        pin = field.value
        if name is None:
            self.say(t("signin.choose"))
            return
        if not pin:
            self.set_focus(field)
            return
        app: Any = self.app
        from carnet_tui.services import people
        from carnet_tui.ui import offthread

        desk, today = self.desk, app.today
        app.sign_in_started()

        def done(ctx: Context) -> None:
            self.say("")
            field.value = ""
            app.sign_in_ended()
            self.accepted(ctx)

        def refused(refusal: Refusal) -> None:
            app.sign_in_ended()
            self.say(refusal.message)
            self.clear_pin()

        app.call_later(app.warm_up)  # while the PIN is checked in a thread
        started = await offthread.run(self, lambda: people.sign_in(name, pin, desk, today=today),
                                      done=done, refused=refused, show=self._progress)
        if not started:
            app.sign_in_ended()

    def _progress(self, text: str) -> None:
        hint = self.query_one("#signin-hint", Static)
        hint.update(literal(text) if text else t(self.HINT_KEY))

    def accepted(self, ctx: Context) -> None:
        app: Any = self.app
        app.signed_in(ctx)


class LockScreen(SignInScreen):
    """The idle lock (or Alt+L): the same form over everything; the same or another user unlocks."""

    TITLE_KEY = "lock.title"
    HINT_KEY = "lock.hint"

    def __init__(self, venue: str, ctx: Context) -> None:
        super().__init__(venue, ctx.desk, preselect=ctx.user, id="lock-screen")
        self.locked_ctx = ctx

    def compose_notice(self) -> ComposeResult:
        yield Static(t("lock.kept"), id="lock-kept")

    def accepted(self, ctx: Context) -> None:
        app: Any = self.app
        app.unlocked(ctx)

"""The carnet point of sale application: home screen, sale window, app-wide keys."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial

from textual import work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from carnet_tui.domain.context import Approval, Context, Permission, self_approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.settings import Settings
from carnet_tui.texts import t
from carnet_tui.ui import (
    lean,  # noqa: F401 (Textual's needless repaints cut, at import)
    passthrough,
)
from carnet_tui.ui.screens.home import HomeScreen
from carnet_tui.ui.terminal import ConsoleApp, ConsolePalette
from carnet_tui.ui.threads import close_thread_connection
from carnet_tui.ui.unclosed_app import UnclosedSales

# The sale window, the history and the dialogs are imported on first use (Alt+A, F5, F1…), and the
# printing service only after the first frame: the home screen must appear as fast as a bare app.

# 16 colours drawn by the terminal itself: readable on the Linux console and over any SSH client
THEME = "ansi-dark"


class QuietPalette(ConsolePalette):
    """Textual's palette, with its input's cursor still: nothing blinks over SSH."""

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False


class CarnetApp(UnclosedSales, ConsoleApp):
    """Constructed on an already-connected store (``store.db.connect``)."""

    CSS_PATH = "carnet.tcss"
    # the theme as the class default, not set in on_mount: setting it makes Textual parse the
    # whole stylesheet a second time before the first frame
    theme: Reactive[str] = Reactive(THEME)
    TITLE = t("app.title")
    SUB_TITLE = t("app.subtitle")
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        # Caps Lock turns Alt+A into Alt+Shift+A: both open the window
        Binding("alt+a", "open_sale", t("key.open_sale"), key_display="Alt+A", priority=True,
                id="open-sale"),
        Binding("alt+shift+a", "open_sale", t("key.open_sale"), show=False, priority=True,
                id="open-sale-caps"),
        # Tab moves focus before the next key is routed: keys that arrive together (SSH, a fast
        # cashier) would otherwise land in the zone being left
        Binding("tab", "app.focus_next", show=False, priority=True, id="focus-next"),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True, id="focus-previous"),
        Binding("f5", "open_history", t("key.history"), key_display="F5", priority=True, id="open-history"),
        Binding("f1", "help", t("key.help"), key_display="F1", id="help"),
        Binding("ctrl+q", "quit", t("key.quit"), key_display="^Q", priority=True, id="quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        today: date | None = None,
        open_store: Callable[[], None] | None = None,
        context: Context | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        # who acts at this desk: set by the sign-in screen (tests may pass one and skip it); every
        # write service receives it
        self.context: Context | None = context
        self._today = today  # fixed in tests and snapshots: carnet numbers hold the date
        self.animation_level = "none"  # nothing moves, so an idle screen sends nothing over SSH
        # the CLI opens the store after the first frame (peewee and migrations cost start-up time);
        # the windows that need it wait for this
        self._open_store = open_store
        self._store_ready = asyncio.Event()
        if open_store is None:
            self._store_ready.set()
        self.refusal: str | None = None  # why the store could not be opened, for the CLI to print
        self._store_settled = asyncio.Event()  # opened or refused
        if open_store is None:
            self._store_settled.set()

    async def action_quit(self) -> None:
        # a store half-way through its first opening (migration, demo data) is let finish first
        await self._store_settled.wait()
        if self.ask_before_leaving("quit", self.exit):  # a sale paid, not closed: asked first
            return
        self.exit()

    def _handle_exception(self, error: Exception) -> None:
        # a storage fault met where no screen expected one (a read of a damaged page, a file gone or
        # replaced, a disk error): the app stops with the French refusal, printed by the CLI once
        # the terminal is restored, never a traceback. Committed sales stay in the file.
        from carnet_tui.store import faults

        if faults.is_storage_error(error) or (
            isinstance(error, DomainError) and error.key.startswith("err.db.")
        ):
            self.refusal = faults.refusal(error, self.settings.db or "").message
            self.exit(return_code=2)
            return
        super()._handle_exception(error)

    @property
    def today(self) -> date:
        return self._today or date.today()

    def on_mount(self) -> None:
        passthrough.attach(self, self.settings)  # the `terminal` printer writes between frames
        self.push_screen(HomeScreen(self.settings.venue.name))
        # after the first frame: the question needs the printing stack (python-escpos), slow to import
        self.call_after_refresh(self.offer_unfinished)
        self.call_after_refresh(self.offer_unclosed_at_start)  # after the unfinished prints' questions

    def _in_sale(self) -> bool:
        return self.screen.id == "sale-screen"

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # in the sale window Alt+A has nothing to open: its place in the key bar goes to Échap
        if action == "open_sale" and self._in_sale():
            return False
        if action == "open_history" and self.screen.id == "history-screen":
            return False
        return True

    async def action_open_sale(self) -> None:
        await self._store_ready.wait()  # keys typed meanwhile wait in the queue, none is lost
        if isinstance(self.screen, ModalScreen) or self._in_sale():
            return  # a dialog is waiting for its answer, or the window is already there
        while self.screen.id == "history-screen":  # the history is left, not kept under the window
            self.pop_screen()
        if self._in_sale():
            return
        # asked before the window shows: keys typed meanwhile are older than the question
        unclosed = await self.unclosed_to_offer()
        if not self.is_screen_installed("sale"):
            from carnet_tui.ui.screens.sale import SaleScreen

            self.install_screen(SaleScreen(), "sale")
        self.push_screen("sale")
        self.offer_unclosed(unclosed)

    async def action_open_history(self) -> None:
        await self._store_ready.wait()
        if isinstance(self.screen, ModalScreen) or self.screen.id == "history-screen":
            return
        from carnet_tui.ui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen())

    def action_go_home(self, asked: bool = False) -> None:
        # from the sale window: a sale paid, not closed is asked about first
        leave = partial(self.action_go_home, True)
        if not asked and self._in_sale() and self.ask_before_leaving("home", leave):
            return
        while self._in_sale() or self.screen.id == "history-screen":
            self.pop_screen()

    def action_help(self) -> None:
        from carnet_tui.ui.screens.dialogs import InfoDialog

        # over a dialog too (a payment waiting for another desk's lock), never over itself
        if not isinstance(self.screen, InfoDialog):
            self.push_screen(InfoDialog(t("help.title"), t("help.body")))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(QuietPalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(t("palette.open_sale"), t("palette.open_sale.help"), self.action_open_sale)
        yield SystemCommand(t("palette.history"), t("palette.history.help"), self.action_open_history)
        yield SystemCommand(t("palette.home"), t("palette.home.help"), self.action_go_home)
        yield SystemCommand(t("key.help"), t("help.title"), self.action_help)
        yield SystemCommand(t("key.quit"), "Ctrl+Q", self.action_quit)

    # ------------------------------------------------------------------ people
    def ask_approval(self, action: str, then: Callable[[Approval], None]) -> None:
        """A responsable's yes to ``action``, then ``then(approval)``. A responsable or admin signed
        in approves their own action (recorded as such); a cashier asks in a dialog where a
        responsable types their PIN. Refused or cancelled: ``then`` is not called, nothing changes."""
        ctx = self.context
        if ctx is None:
            return
        if ctx.can(Permission.APPROVE):
            then(self_approval(ctx, action))
            return
        from carnet_tui.ui.screens.approval import ApprovalDialog

        def answered(approval: Approval | None) -> None:
            if approval is not None:
                then(approval)

        self.push_screen(ApprovalDialog(ctx, action), callback=answered)

    # ------------------------------------------------------------------ printing left unfinished
    @work(exclusive=True, group="resume", exit_on_error=False)
    async def offer_unfinished(self) -> None:
        """Open the store if the CLI left it to us, then offer the carnets whose billets were not all sent."""
        if not self._store_ready.is_set():
            try:
                await asyncio.to_thread(self._open_store_in_thread)
            except DomainError as exc:
                self.refusal = exc.message
                self.exit(return_code=2)
                return
            except Exception as exc:  # noqa: BLE001 - a database error: said, never a traceback
                self.refusal = t("err.db.failed", detail=str(exc))
                self.exit(return_code=2)
                return
            finally:
                self._store_settled.set()
            self._store_ready.set()
        pending = await asyncio.to_thread(_unfinished_carnets)  # keys typed meanwhile are not held up
        if not pending:
            return
        from carnet_tui.ui.screens.dialogs import ConfirmDialog, PrintCarnetDialog, billets_left_text

        # each carnet named with what it still owes; a long list ends with how many more (8 lines
        # at most: the question must fit 80×24 with its buttons)
        shown = pending if len(pending) <= 8 else pending[:7]
        lines = [
            t("resume.carnet", number=c.number,
              left=billets_left_text(c.billets_count - c.billets_sent, c.billets_count))
            for c in shown
        ]
        if len(shown) < len(pending):
            lines.append(t("resume.more", count=len(pending) - len(shown)))
        key = "resume.question.one" if len(pending) == 1 else "resume.question.many"
        question = t(key, count=len(pending), carnets="\n".join(lines))
        if not await self.push_screen_wait(ConfirmDialog(t("resume.title"), question)):
            return
        for carnet in pending:
            await self.push_screen_wait(
                PrintCarnetDialog(carnet.carnet_id, carnet.number, carnet.billets_count, self.settings,
                                  sent=carnet.billets_sent)
            )


    def _open_store_in_thread(self) -> None:
        try:
            assert self._open_store is not None
            self._open_store()
        finally:
            close_thread_connection()


def _unfinished_carnets() -> list:
    """In a worker thread: import the printing stack (slow: python-escpos) and ask the journal."""
    try:
        from carnet_tui.services import printing

        return printing.unfinished_carnets()
    except ImportError:
        return []
    finally:
        close_thread_connection()


def run_app(settings: Settings, open_store: Callable[[], None] | None = None) -> tuple[str | None, int]:
    """Entry point of the CLI. ``open_store`` runs after the first frame. Returns its refusal and
    the exit status (128 + the signal when a SIGTERM or SIGHUP ended the app, as a shell expects)."""
    app = CarnetApp(settings, open_store=open_store)
    passthrough.prepare(settings)
    try:
        app.run()
    finally:
        passthrough.detach()
    return app.refusal, app.return_code or 0

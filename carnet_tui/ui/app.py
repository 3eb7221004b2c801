"""The carnet point of sale application: sign-in, home screen, sale window, app-wide keys.

The sections (ui/sections.py) give the app's keys, the home menu, the palette and F1's help. The app
opens on the sign-in screen unless it is given a context (tests); after the idle time of the
settings without a key, the lock screen covers everything until a user types their PIN.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import time
from collections.abc import Callable, Iterable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from carnet_tui import code_cache
from carnet_tui.domain.context import Approval, Context, Permission, self_approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.settings import Settings
from carnet_tui.texts import t
from carnet_tui.ui import (
    css_cache,
    early_keys,
    lean,  # noqa: F401 (Textual's needless repaints cut, at import)
    passthrough,
    sections,
)
from carnet_tui.ui.backoffice_app import BackOffice
from carnet_tui.ui.literal import literal
from carnet_tui.ui.screens.home import HomeScreen
from carnet_tui.ui.screens.signin import LockScreen, SignInScreen
from carnet_tui.ui.terminal import ConsoleApp, ConsolePalette
from carnet_tui.ui.threads import close_thread_connection
from carnet_tui.ui.unclosed_app import UnclosedSales, unclosed_of_cashier
from carnet_tui.ui.widgets import QuietInput

if TYPE_CHECKING:
    from carnet_tui.services.unclosed import UnclosedSale

# The sale window, the history and the dialogs are imported on first use (Alt+A, F5, F1…), and the
# printing service only after the first frame: the first screen must appear as fast as a bare app.

# worker groups whose end pops or changes a screen: the idle lock waits for them
BUSY_GROUPS = ("print", "reprint", "offthread")

# the collector, off while the app starts (see cli.cmd_run), is back this long after the first frame
GC_AFTER_START_S = 3.0

# 16 colours drawn by the terminal itself: readable on the Linux console and over any SSH client
THEME = "ansi-dark"


class QuietPalette(ConsolePalette):
    """Textual's palette, with its input's cursor still: nothing blinks over SSH."""

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False


class CarnetApp(BackOffice, UnclosedSales, ConsoleApp):
    """Constructed on an already-connected store (``store.db.connect``)."""

    CSS_PATH = "carnet.tcss"
    # the theme as the class default, not set in on_mount: setting it makes Textual parse the
    # whole stylesheet a second time before the first frame
    theme: Reactive[str] = Reactive(THEME)
    TITLE = t("app.title")
    SUB_TITLE = t("app.subtitle")
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        # the sections' keys (Alt+A and Alt+Shift+A: Caps Lock; F5…), priority: from anywhere
        *sections.bindings(),
        # Tab moves focus before the next key is routed: keys that arrive together (SSH, a fast
        # cashier) would otherwise land in the zone being left
        Binding("tab", "app.focus_next", show=False, priority=True, id="focus-next"),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True, id="focus-previous"),
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
        # the stylesheets as parsed at an earlier start (25–35 ms less at each start)
        self._parsed_css = css_cache.ParsedCss(css_cache.default_folder())
        self._parsed_css.attach(self.stylesheet)
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
        self._signing: asyncio.Future[None] | None = None  # a sign-in under way (keys typed after wait)
        self._sections_waiting = 0  # Alt+A, F5… typed during that sign-in, waiting for it
        # a PIN and Enter typed before the app started, taken before the driver reads the rest
        self._pin_ahead = early_keys.take_pin() if context is None else None
        self._last_input = time.monotonic()
        self._idle_timer: Timer | None = None

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
        if not gc.isenabled():  # turned off for the start-up by the CLI (cli.cmd_run)
            self.set_timer(GC_AFTER_START_S, _gc_after_start)
        self.set_timer(GC_AFTER_START_S, self._parsed_css.save)  # the screens of the start parsed
        self.set_timer(GC_AFTER_START_S, code_cache.save)  # and their classes made (if launched so)
        if self._pin_ahead is not None:  # signed in ahead: no first frame to show before the store
            self.call_later(self.open_store_later)
        else:  # after the first frame: peewee and the migrations cost start-up time
            self.call_after_refresh(self.open_store_later)
        if self.context is None:
            pin, self._pin_ahead = self._pin_ahead, None
            if pin is None:
                self.push_screen(SignInScreen(self.settings.venue.name, self.settings.counter.desk))
            else:  # typed before the first frame: the keys after it (Alt+A…) wait for this sign-in
                self.sign_in_started()
                self.run_worker(self._sign_in_ahead(pin), group="signin-ahead", exit_on_error=False)
            return
        self.push_screen(HomeScreen(self.settings.venue.name, self.context))
        self.call_after_refresh(self.start_of_session)

    def warm_up(self) -> None:
        """While a PIN is checked (scrypt, in a thread, leaves the interpreter free): import the sale
        window, where most sign-ins lead (30–40 ms less before it shows after a sign-in)."""
        import carnet_tui.ui.screens.sale  # noqa: F401

    def start_of_session(self) -> None:
        """Once someone is signed in: the questions left from before, then the idle watch."""
        self._looked = False  # this cashier's open sales are looked for again
        if self.context is not None and self.context.can(Permission.SELL):
            # not over the door's screen: a contrôleur cannot print, and the next scan went into it
            self.offer_unfinished()
        self.offer_unclosed_at_start()  # after the unfinished prints' questions
        self._watch_idle()

    def _in_sale(self) -> bool:
        return self.screen.id == "sale-screen"

    # ------------------------------------------------------------------ signing in, the idle lock
    async def store_opened(self) -> bool:
        """Wait for the store (opened after the first frame); False when it was refused."""
        await self._store_settled.wait()
        return self._store_ready.is_set()

    def sign_in_started(self) -> None:
        self._signing = asyncio.get_running_loop().create_future()

    def sign_in_ended(self) -> None:
        if self._signing is not None and not self._signing.done():
            self._signing.set_result(None)
        self._signing = None

    def signed_in(self, ctx: Context) -> None:
        """The sign-in screen's yes: the home screen for this role, then the start-up questions."""
        self.context = ctx
        self._last_input = time.monotonic()
        home = HomeScreen(self.settings.venue.name, ctx, deferred=self._sections_waiting > 0)
        if isinstance(self.screen, SignInScreen):
            self.switch_screen(home)
        else:  # signed in ahead: no sign-in screen was drawn
            self.push_screen(home)
        self.call_after_refresh(self.start_of_session)

    async def _sign_in_ahead(self, pin: str) -> None:
        """A PIN and Enter typed before the first frame (during an SSH login): signed in without
        drawing the sign-in screen (~60 ms less; its scrypt was computed while the app started,
        services/pin_ahead.py). A refusal shows that screen with it, as if typed there."""
        signed = None
        try:
            if not await self.store_opened():
                return
            from carnet_tui.ui import offthread

            desk, today = self.settings.counter.desk, self.today
            outcome = await asyncio.to_thread(offthread.call, partial(_sign_in_typed, pin, desk, today),
                                              data_dir=self.settings.data_dir)
            signed = outcome.value
        finally:
            if signed is None:
                self.sign_in_ended()
        if signed is None:
            screen = SignInScreen(self.settings.venue.name, self.settings.counter.desk)
            await self.push_screen(screen)
            if outcome.refusal is not None:
                screen.say(outcome.refusal.message)
            return
        ctx, unclosed = signed
        if unclosed is not None:
            self._unclosed_ahead = (ctx.user_id, unclosed)
        self.sign_in_ended()
        self.signed_in(ctx)

    @property
    def locked(self) -> bool:
        return any(isinstance(screen, LockScreen) for screen in self.screen_stack)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = time.monotonic()  # the idle lock counts from the last key or click
        await super().on_event(event)

    def _watch_idle(self, delay: float | None = None) -> None:
        minutes = self.settings.counter.idle_lock_minutes
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        if minutes <= 0 or self.context is None:
            return  # 0: never locks
        self._idle_timer = self.set_timer(minutes * 60 if delay is None else delay, self._idle_check)

    def _idle_check(self) -> None:
        self._idle_timer = None
        if self.context is None or self.locked:
            return
        limit = self.settings.counter.idle_lock_minutes * 60
        idle = time.monotonic() - self._last_input
        if idle < limit:
            self._watch_idle(limit - idle)
        elif self._busy():
            self._watch_idle(min(1.0, limit))  # a payment or a print under way: locked once it ends
        else:
            self.action_lock()

    def _busy(self) -> bool:
        from carnet_tui.ui import offthread

        return offthread.any_busy() or any(
            w.is_running and w.group in BUSY_GROUPS for w in self.workers)

    def action_lock(self) -> None:
        """Alt+L, or the idle time: the lock screen over everything; the work stays underneath."""
        if self.context is None or self.locked:
            return
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        self.push_screen(LockScreen(self.settings.venue.name, self.context))

    def unlocked(self, ctx: Context) -> None:
        """The same user, or another who takes over the desk (and the sale in progress)."""
        previous = self.context
        self.context = ctx
        self._last_input = time.monotonic()
        if isinstance(self.screen, LockScreen):
            self.pop_screen()
        if previous is not None and previous.user_id != ctx.user_id:
            self._sign_out_in_thread(previous)
            self.notify(t("lock.other", user=ctx.user), markup=False)
            self._home_for(ctx)
        self._watch_idle()

    def _home_for(self, ctx: Context) -> None:
        """Another role took over: the home menu rebuilt; the screens it may not use are left
        (the sale window is kept as it was, for whoever may sell)."""
        home = next((s for s in self.screen_stack if isinstance(s, HomeScreen)), None)
        if home is not None:
            home.show_sections(ctx)
        allowed = {s.screen_id for s in sections.allowed(ctx)} | {"home-screen"}
        while len(self.screen_stack) > 2 and not all(
                s.id in allowed or isinstance(s, ModalScreen) for s in self.screen_stack[2:]):
            self.pop_screen()

    def _sign_out_in_thread(self, ctx: Context) -> None:
        from carnet_tui.services import people
        from carnet_tui.ui import offthread

        data_dir = self.settings.data_dir

        async def journal_it() -> None:
            await asyncio.to_thread(offthread.call, partial(people.sign_out, ctx), data_dir=data_dir)

        self.run_worker(journal_it(), group="sign-out", exit_on_error=False)

    async def action_change_cashier(self) -> None:
        """Changer de caissier: signs out and back to the sign-in screen. Refused while the window
        holds a sale paid and not closed (the next cashier would find it half done: close it first,
        or lock with Alt+L to keep it); a window without a paid line is emptied."""
        ctx = self.context
        if ctx is None or self.locked:
            return
        from carnet_tui.ui import offthread

        if offthread.any_busy():
            self.notify(t("signout.busy"), markup=False, severity="warning")
            return
        held = self.held_unclosed_sale()
        if held is not None:
            self.notify(t("signout.refused", number=held.number), markup=False, severity="warning",
                        timeout=8)
            return
        self._sign_out_in_thread(ctx)
        self.context = None
        self._watch_idle()
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        if self.is_screen_installed("sale"):
            window = self.get_screen("sale")
            self.uninstall_screen("sale")
            await window.remove()
        await self.push_screen(SignInScreen(self.settings.venue.name, self.settings.counter.desk,
                                            preselect=""))

    def on_quiet_input_too_long(self, event: QuietInput.TooLong) -> None:
        """Said under the field (its ``#<id>-error`` line, where every form has one), else in a
        notice: nothing was added."""
        message = t("err.field.too_long", max=event.field.max_length)
        error = self.screen.query(f"#{event.field.id}-error") if event.field.id else None
        if error:
            error.first(Static).update(literal(message))
        else:
            self.notify(message, severity="warning")

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        section = sections.by_action(action, parameters)
        if section is not None:
            if self.locked:
                return False
            if self.context is None:
                # typed right after Enter on the PIN: it waits for the sign-in (never lost)
                return self._signing is not None
            if not section.allowed(self.context):
                return False  # hidden and refused for this role
        elif action in ("quit", "command_palette", "go_home") and self.locked:
            return False  # a locked desk is not left nor used: only a PIN unlocks it
        # in the sale window Alt+A has nothing to open: its place in the key bar goes to Échap
        if action == "open_sale" and self._in_sale():
            return False
        if action == "open_history" and self.screen.id == "history-screen":
            return False
        return True

    async def _may_open(self, section_id: str) -> bool:
        """Wait for the store and a sign-in under way (keys typed meanwhile wait in the queue, none
        is lost), then: may the signed-in role open this section now?"""
        await self._store_ready.wait()
        if self._signing is not None:
            self._sections_waiting += 1  # the home screen the sign-in shows is gone over at once
            try:
                await asyncio.shield(self._signing)
            finally:
                self._sections_waiting -= 1
        section = sections.by_id(section_id)
        return section is not None and section.allowed(self.context) and not self.locked

    async def action_open_sale(self) -> None:
        if not await self._may_open("open-sale"):
            return
        if isinstance(self.screen, ModalScreen) or self._in_sale():
            return  # a dialog is waiting for its answer, or the window is already there
        while self._on_section_screen():  # the history (any section) is left, not kept under the window
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
        if not await self._may_open("open-history"):
            return
        if isinstance(self.screen, ModalScreen) or self.screen.id == "history-screen":
            return
        from carnet_tui.ui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen())

    async def action_open_section(self, section_id: str) -> None:
        """A section that is a screen of its own (Caisse, Rapports…): over the home screen, or over
        the sale window, which is kept; another section's screen on top is left for it."""
        if not await self._may_open(section_id):
            return
        section = sections.by_id(section_id)
        assert section is not None and section.screen
        if isinstance(self.screen, ModalScreen) or self.screen.id == section.screen_id:
            return
        while self._on_section_screen():
            self.pop_screen()
        module, _, name = section.screen.partition(":")
        screen = getattr(importlib.import_module(module), name)()
        if screen.id is None:
            screen.id = section.screen_id
        self.push_screen(screen)

    def _on_section_screen(self) -> bool:
        """A section's screen other than the sale window (which is kept, not left) is on top."""
        return self.screen.id in {s.screen_id for s in sections.SECTIONS} - {"sale-screen"}

    def action_go_home(self, asked: bool = False) -> None:
        # from the sale window: a sale paid, not closed is asked about first
        leave = partial(self.action_go_home, True)
        if not asked and self._in_sale() and self.ask_before_leaving("home", leave):
            return
        while self._in_sale() or self._on_section_screen():
            self.pop_screen()

    def help_text(self) -> str:
        """F1: the sections this role may open (from the sections list), then the keys of the screens."""
        ctx = None if self.locked else self.context
        opened = sections.help_lines(ctx)
        return f"{opened}\n{t('help.body')}" if opened else t("help.body")

    def action_help(self) -> None:
        from carnet_tui.ui.screens.dialogs import InfoDialog

        # over a dialog too (a payment waiting for another desk's lock), never over itself
        if not isinstance(self.screen, InfoDialog):
            self.push_screen(InfoDialog(t("help.title"), self.help_text()))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(QuietPalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        if not self.locked:
            for section in sections.allowed(self.context):
                yield SystemCommand(t(section.title), f"{t(section.help)} ({section.key_display})",
                                    partial(self.run_action, section.run))
            if self.context is not None:
                yield SystemCommand(t("section.home"), t("section.home.help"), self.action_go_home)
        yield SystemCommand(t("key.help"), t("help.title"), self.action_help)
        if not self.locked:
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
    @work(exclusive=True, group="store", exit_on_error=False)
    async def open_store_later(self) -> None:
        """Open the store if the CLI left it to us (after the first frame)."""
        if not self._store_ready.is_set() and not self._store_settled.is_set():
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

    @work(exclusive=True, group="resume", exit_on_error=False)
    async def offer_unfinished(self) -> None:
        """Offer the carnets whose billets were not all sent (once someone is signed in)."""
        if not await self.store_opened():
            return
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


def _gc_after_start() -> None:
    """The start-up's objects (modules, classes, styles: alive as long as the app) are set apart
    from the collector's later passes, which then only walk what the counter's work makes."""
    gc.freeze()
    gc.enable()


def _unfinished_carnets() -> list:
    """In a worker thread: ask the print journal (without the printing stack: python-escpos is
    imported only when a carnet is printed)."""
    try:
        from carnet_tui.services.unfinished import unfinished_carnets

        return unfinished_carnets()
    finally:
        close_thread_connection()


def _sign_in_typed(pin: str, desk: str, today: date
                   ) -> tuple[Context, list[UnclosedSale] | None] | None:
    """In a worker thread: the sign-in typed ahead, and what Alt+A typed with it will ask about
    (the cashier's open sales; None if they could not be read: Alt+A looks again), in one trip;
    None when nobody may sign in."""
    from carnet_tui.services import pin_ahead

    ctx = pin_ahead.sign_in(pin, desk, today)
    if ctx is None:
        return None
    if not ctx.can(Permission.SELL):
        return ctx, []
    try:
        return ctx, unclosed_of_cashier(ctx)
    except Exception:  # noqa: BLE001 - the sign-in stands (journaled); only the head start is lost
        return ctx, None


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

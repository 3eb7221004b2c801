"""*Caisse*: the desk's till at 80×24, keys only.

Closed: the float is counted by denominations (one field per billet or pièce, digits only) and F10
opens the session. Open: who opened it, since when, the float; D dépôt, R retrait (an amount, a
reason, a responsable's approval), X the report so far (shown, printed on I), Z the closing count
(expected against counted, Oui/Non, then the Z shown and printed). Every write runs off the UI
thread (``ui/offthread.py``); a refusal is said in French where it was typed, nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from carnet_tui.domain.context import Context
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import format_dh, parse_amount
from carnet_tui.domain.rules import format_date
from carnet_tui.domain.till import DENOMINATIONS, MovementKind, check_counts, counted_total
from carnet_tui.services import till
from carnet_tui.services.till import TillView
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.literal import literal
from carnet_tui.ui.screens.dialogs import CANCEL, VALIDATE, ConfirmDialog, Dialog
from carnet_tui.ui.widgets import KeyBar, KeyList, QuietInput

if TYPE_CHECKING:
    from carnet_tui.ui.app import CarnetApp

COUNT_DIGITS = 5  # up to 99 999 pieces of one kind: below the domain's COUNT_MAX
REPORT_WIDTH = 48  # the report on screen as on the widest paper: the same lines, the same layout


# ---------------------------------------------------------------------------- the till's reports
def report_text(report: Any, settings: Any) -> str:
    """In a worker thread: the report's text as the desk's paper has it (32, 42 or 48 columns),
    from the same layout as the print (``services/report_printing.py``; python-escpos is slow to
    import: never on the UI thread)."""
    from carnet_tui.services import report_printing

    return report_printing.report_preview(report, settings)


def print_report(report: Any, settings: Any) -> None:
    """In a worker thread: the report to the desk's printer."""
    from carnet_tui.services import report_printing

    report_printing.print_report(report, settings)


def with_text(report: Any, settings: Any) -> tuple[Any, str]:
    return report, report_text(report, settings)


def print_errors() -> tuple[type[Exception], ...]:
    return offthread.printer_errors()


# ---------------------------------------------------------------------------- counting the drawer
def denomination_label(value: int) -> str:
    if value >= 2000:
        return t("tillui.denom.note", value=value // 100)
    if value >= 100:
        return t("tillui.denom.coin", value=value // 100)
    return t("tillui.denom.cents", value=value)


class CountInput(QuietInput):
    """Pieces of one denomination: digits only; anything else is refused as typed, and said."""

    class Refused(Message):
        def __init__(self, field: CountInput) -> None:
            super().__init__()
            self.field = field

    def __init__(self, value: int) -> None:
        super().__init__(id=f"count-{value}", compact=True, restrict=r"[0-9]*", max_length=COUNT_DIGITS,
                         classes="count")
        self.denomination = value

    def restricted(self) -> None:  # Textual's hook for a refused character (it rings the bell)
        self.post_message(self.Refused(self))


class CountForm(Vertical):
    """One row per denomination (label, pieces, subtotal), the live total and the error line."""

    BINDINGS = [
        Binding("down", "app.focus_next", show=False),
        Binding("up", "app.focus_previous", show=False),
    ]

    class Confirmed(Message):
        """Enter on the last field: the count is given."""

    class Totalled(Message):
        def __init__(self, total_cents: int) -> None:
            super().__init__()
            self.total_cents = total_cents

    def compose(self) -> ComposeResult:
        for value in DENOMINATIONS:
            with Horizontal(classes="count-row"):
                yield Label(denomination_label(value), classes="count-label")
                yield CountInput(value)
                yield Static("", id=f"sub-{value}", classes="count-sub")
        yield Static(t("tillui.count_total", total=format_dh(0)), id="count-total")
        yield Static("", id="count-error", classes="error")

    def raw_counts(self) -> dict[int, str]:
        return {value: self.query_one(f"#count-{value}", CountInput).value for value in DENOMINATIONS}

    def counts(self) -> dict[int, int]:
        """The checked count (the domain's rules); a refusal names the field."""
        return check_counts(self.raw_counts())

    def total(self) -> int:
        try:
            return counted_total(self.counts())
        except DomainError:
            return 0

    def say(self, message: str) -> None:
        self.query_one("#count-error", Static).update(literal(message))

    def refuse(self, error: DomainError) -> None:
        """A refusal said under the form, the field it names focused."""
        self.say(error.message)
        field = error.field or ""
        if field.startswith("count-") and self.query(f"#{field}"):
            self.screen.set_focus(self.query_one(f"#{field}"))

    @on(CountInput.Refused)
    def refused(self, event: CountInput.Refused) -> None:
        event.stop()
        self.say(f"{denomination_label(event.field.denomination)} : {t('tillui.digits_only')}")

    @on(CountInput.Changed)
    def changed(self, event: CountInput.Changed) -> None:
        event.stop()
        field = event.input
        if not isinstance(field, CountInput):
            return
        self.say("")
        pieces = int(field.value) if field.value.isdigit() else 0
        sub = format_dh(pieces * field.denomination) if pieces else ""
        self.query_one(f"#sub-{field.denomination}", Static).update(sub)
        total = self.total()
        self.query_one("#count-total", Static).update(t("tillui.count_total", total=format_dh(total)))
        self.post_message(self.Totalled(total))

    @on(CountInput.Submitted)
    def submitted(self, event: CountInput.Submitted) -> None:
        event.stop()
        if isinstance(event.input, CountInput) and event.input.denomination == DENOMINATIONS[-1]:
            self.post_message(self.Confirmed())
        else:
            self.screen.focus_next()

    def focus_first(self) -> None:
        self.screen.set_focus(self.query_one(f"#count-{DENOMINATIONS[0]}"))


# ---------------------------------------------------------------------------- dialogs
class MovementDialog(Dialog):
    """Dépôt or retrait: an amount typed the French way, a reason, then a responsable's approval."""

    FIRST_INPUT = AUTO_FOCUS = "#movement-amount"
    BINDINGS = [CANCEL, VALIDATE]

    def __init__(self, ctx: Context, kind: MovementKind) -> None:
        super().__init__()
        self.ctx = ctx
        self.kind = kind

    def compose(self) -> ComposeResult:
        with Vertical(id="movement-dialog", classes="dialog"):
            yield Label(t(f"tillui.{self.kind.value}.title"), classes="dialog-title")
            with Horizontal(classes="field-row"):
                yield Label(t("tillui.amount"), classes="field-label")
                yield QuietInput(id="movement-amount", compact=True, classes="amount", max_length=20)
                yield Static("DH", classes="unit")
            yield Static("", id="movement-amount-error", classes="error")
            with Horizontal(classes="field-row"):
                yield Label(t("tillui.reason"), classes="field-label")
                yield QuietInput(id="movement-reason", compact=True, max_length=200)
            yield Static("", id="movement-reason-error", classes="error")
            yield Static(t("tillui.movement_hint"), classes="hint")

    def amount(self) -> int:
        text = self.query_one("#movement-amount", QuietInput).value
        if not text.strip():
            raise DomainError("err.tillui.amount_required", field="amount")
        cents = parse_amount(text)
        if cents <= 0:
            raise DomainError("err.tillui.amount_zero", field="amount")
        return cents

    def refuse(self, field: str | None, message: str) -> None:
        where = "reason" if field == "reason" else "amount"
        self.show_error(f"movement-{where}-error", message)
        self.set_focus(self.query_one(f"#movement-{where}"))

    def action_validate(self) -> None:
        if offthread.is_busy(self):
            return
        self.clear_errors()
        try:
            cents = self.amount()
        except DomainError as exc:
            self.refuse("amount", exc.message)
            return
        reason = " ".join(self.query_one("#movement-reason", QuietInput).value.split())
        if not reason:
            self.refuse("reason", t("tillui.reason_required"))
            return
        ctx, kind = self.ctx, self.kind

        async def approved(approval: Any) -> None:
            await self.write(lambda: till.cash_movement(ctx, kind, cents, reason, approval),
                             lambda _result: self.dismiss_when_shown((cents, reason)),
                             lambda refusal: self.refuse(refusal.field, refusal.message))

        self.carnet_app.ask_approval("cash_movement", lambda approval: self.call_later(approved, approval))

    @property
    def carnet_app(self) -> CarnetApp:
        return self.app  # type: ignore[return-value]


class CloseDialog(Dialog):
    """The Z's count: the drawer by denominations, expected against counted and the difference,
    Oui/Non, then the session closed. Dismisses with the Z report (None: nothing changed)."""

    FIRST_INPUT = None
    AUTO_FOCUS = f"#count-{DENOMINATIONS[0]}"
    BINDINGS = [CANCEL, Binding("f10", "submit", t("key.tillui.close_z"), key_display="F10", priority=True)]

    def __init__(self, ctx: Context, expected_cents: int, settings: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.expected_cents = expected_cents
        self.settings = settings

    def compose(self) -> ComposeResult:
        with Vertical(id="close-dialog", classes="dialog"):
            yield Label(t("tillui.close.title"), classes="dialog-title")
            yield Static(t("tillui.close.expected", amount=format_dh(self.expected_cents)),
                         id="close-expected")
            yield CountForm(id="close-count")
            yield Static(self._difference_text(0), id="close-difference")
            yield Static(t("tillui.close_hint"), classes="hint")

    def _difference_text(self, counted: int) -> str:
        return t("tillui.close.difference", amount=format_dh(counted - self.expected_cents))

    @on(CountForm.Totalled)
    def totalled(self, event: CountForm.Totalled) -> None:
        self.query_one("#close-difference", Static).update(self._difference_text(event.total_cents))

    @on(CountForm.Confirmed)
    async def confirmed(self) -> None:
        await self.action_submit()

    def action_validate(self) -> None:
        if offthread.is_busy(self):
            return
        form = self.query_one(CountForm)
        try:
            counts = form.counts()
        except DomainError as exc:
            form.refuse(exc)
            return
        counted = counted_total(counts)
        question = t("tillui.confirm.question", expected=format_dh(self.expected_cents),
                     counted=format_dh(counted), difference=format_dh(counted - self.expected_cents))
        ctx, settings = self.ctx, self.settings

        async def answered(yes: bool | None) -> None:
            if yes:  # the Z's text made in the same worker: the dialog closes on what it shows
                await self.write(lambda: with_text(till.close_till(ctx, counts), settings),
                                 self.dismiss_when_shown,
                                 lambda refusal: form.say(refusal.message))

        self.app.push_screen(ConfirmDialog(t("tillui.confirm.title"), question), callback=answered)


class ReportDialog(Dialog):
    """An X or Z on screen, as on paper, scrollable; I prints it (``auto_print``: at once)."""

    AUTO_FOCUS = "#report-scroll"
    BINDINGS = [CANCEL, Binding("i", "print", t("key.tillui.print"), key_display="I", priority=True)]
    HINT = "tillui.report_hint"

    def __init__(self, title: str, text: str, print_fn: Callable[[], object],
                 auto_print: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.print_fn = print_fn
        self.auto_print = auto_print

    def compose(self) -> ComposeResult:
        with Vertical(id="report-dialog", classes="dialog"):
            yield Label(literal(self.title_text), classes="dialog-title")
            with VerticalScroll(id="report-scroll"):
                yield Static(literal(self.text), id="report-body")
            yield Static("", id="report-status")
            yield Static(t(self.HINT), classes="hint")

    def on_mount(self) -> None:
        if self.auto_print:
            self.call_after_refresh(self.action_print)

    def status(self, message: str) -> None:
        self.query_one("#report-status", Static).update(literal(message))

    async def action_print(self) -> None:
        if offthread.is_busy(self):
            return
        self.status(t("tillui.printing"))
        await offthread.run(self, self.print_fn, done=lambda _result: self.status(t("tillui.printed")),
                            refused=lambda refusal: self.status(
                                t("tillui.print_failed", message=refusal.message)),
                            expected=print_errors())


# ---------------------------------------------------------------------------- the screen
class TillScreen(Screen[None]):
    """The desk's till. ``view``: its open session, or None when closed."""

    BINDINGS = [
        Binding("f10", "open_till", t("key.tillui.open"), key_display="F10", priority=True),
        Binding("d", "deposit", t("key.tillui.deposit"), key_display="D"),
        Binding("r", "withdrawal", t("key.tillui.withdrawal"), key_display="R"),
        Binding("x", "x_report", t("key.tillui.x"), key_display="X"),
        Binding("z", "close_till", t("key.tillui.z"), key_display="Z"),
        # an F-key: it works while the count form's fields have the focus too
        Binding("f9", "reports", t("key.tillui.reports"), key_display="F9", priority=True),
        Binding("escape", "back", t("key.home"), key_display=t("keycap.escape")),
    ]
    MENU = (("deposit", "tillui.menu.deposit", "D"), ("withdrawal", "tillui.menu.withdrawal", "R"),
            ("x_report", "tillui.menu.x", "X"), ("close_till", "tillui.menu.z", "Z"),
            ("reports", "tillui.menu.reports", "F9"))

    def __init__(self) -> None:
        super().__init__(id="till-screen")
        self.view: TillView | None = None
        self._shown_for: Context | None = None  # the context the state was read for

    def compose(self) -> ComposeResult:
        with Horizontal(id="till-header"):
            yield Label(t("tillui.title"), id="till-title")
            yield Static("", id="till-info")
        yield Static("", id="till-status")
        with Vertical(id="till-open-box", classes="box"):
            yield CountForm(id="till-count")
            yield Static(t("tillui.open_hint"), classes="hint")
        with Vertical(id="till-session-box", classes="box"):
            yield KeyList(*[Option(f"{t(text):<36}{key}", id=action) for action, text, key in self.MENU],
                          id="till-menu")
            yield Static(t("tillui.menu_hint"), classes="hint")
        yield Static("", id="till-message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#till-open-box").border_title = t("tillui.open_box")
        self.refresh_state()

    def on_screen_resume(self) -> None:
        # back from the lock screen, a change of cashier or another section: read the till again
        # for the new context (not after each dialog: a count half typed keeps its focus)
        if self.is_mounted and self.ctx() is not self._shown_for:
            self.refresh_state()

    # ----------------------------------------------------------------- state
    @property
    def carnet_app(self) -> CarnetApp:
        return self.app  # type: ignore[return-value]

    def ctx(self) -> Context | None:
        return getattr(self.app, "context", None)

    def say(self, message: str) -> None:
        self.query_one("#till-message", Static).update(literal(message))

    def refresh_state(self) -> None:
        """The desk's session as the store has it; the app's context follows it (the till may
        have been opened or closed at this desk from another terminal)."""
        ctx = self.ctx()
        if ctx is None:
            self._shown_for = None
            self.view = None
            self.query_one("#till-status", Static).update(t("tillui.no_context"))
            self.query_one("#till-open-box").display = False
            self.query_one("#till-session-box").display = False
            self.refresh_bindings()
            return
        self.query_one("#till-info", Static).update(literal(t("tillui.info", desk=ctx.desk, user=ctx.user),
                                                            width=50))
        self.view = till.current_session(ctx.desk)
        session_id = self.view.id if self.view else None
        if ctx.session_id != session_id:
            self.carnet_app.context = ctx.with_session(session_id)
        self.show_state()

    def show_state(self) -> None:
        ctx = self.ctx()
        assert ctx is not None
        self._shown_for = ctx
        view = self.view
        status = self.query_one("#till-status", Static)
        open_box, session_box = self.query_one("#till-open-box"), self.query_one("#till-session-box")
        open_box.display = view is None
        session_box.display = view is not None
        if view is None:
            status.update(literal(t("tillui.closed", desk=ctx.desk)))
            self.query_one(CountForm).focus_first()
        else:
            status.update(literal(t("tillui.open", user=view.opened_by,
                                    date=format_date(view.opened_at.date()), time=f"{view.opened_at:%H:%M}",
                                    float=format_dh(view.float_cents))))
            session_box.border_title = t("tillui.session_box", id=view.id)
            menu = self.query_one("#till-menu", KeyList)
            menu.highlighted = 0
            self.set_focus(menu)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_till":
            return self.ctx() is not None and self.view is None
        if action in ("deposit", "withdrawal", "x_report", "close_till"):
            return self.view is not None
        return True

    # ----------------------------------------------------------------- opening
    @on(CountForm.Confirmed)
    async def count_confirmed(self) -> None:
        await self.action_open_till()

    async def action_open_till(self) -> None:
        ctx = self.ctx()
        if ctx is None or self.view is not None or offthread.is_busy(self):
            return
        form = self.query_one("#till-count", CountForm)
        try:
            counts = form.counts()
        except DomainError as exc:
            form.refuse(exc)
            return

        def opened(view: TillView) -> None:
            self.carnet_app.context = ctx.with_session(view.id)
            self.view = view
            self.show_state()
            self.say(t("tillui.opened", float=format_dh(view.float_cents)))

        await offthread.run(self, lambda: till.open_till(ctx, counts), done=opened,
                            refused=lambda refusal: form.say(refusal.message), show=self.say)

    # ----------------------------------------------------------------- the open session
    @on(OptionList.OptionSelected, "#till-menu")
    async def menu_chosen(self, event: OptionList.OptionSelected) -> None:
        await self.run_action(str(event.option.id))

    def action_deposit(self) -> None:
        self._movement(MovementKind.DEPOSIT)

    def action_withdrawal(self) -> None:
        self._movement(MovementKind.WITHDRAWAL)

    def _movement(self, kind: MovementKind) -> None:
        ctx = self.ctx()
        if ctx is None or self.view is None:
            return

        def done(result: tuple[int, str] | None) -> None:
            if result is not None:
                cents, reason = result
                self.say(t(f"tillui.{kind.value}_done", amount=format_dh(cents), reason=reason))

        self.say("")
        self.app.push_screen(MovementDialog(ctx, kind), callback=done)

    async def action_x_report(self) -> None:
        ctx = self.ctx()
        if ctx is None or self.view is None or offthread.is_busy(self):
            return
        settings = self.carnet_app.settings

        def show(shown: tuple[Any, str]) -> None:
            report, text = shown
            self.say("")
            self.app.push_screen(ReportDialog(t("tillui.x.title"), text,
                                              lambda: print_report(report, settings)))

        await offthread.run(self, lambda: with_text(till.x_report(ctx), settings), done=show,
                            refused=lambda refusal: self.say(refusal.message), show=self.say)

    async def action_close_till(self) -> None:
        ctx = self.ctx()
        if ctx is None or self.view is None or offthread.is_busy(self):
            return
        settings = self.carnet_app.settings

        def closed(shown: tuple[Any, str] | None) -> None:
            if shown is None:
                return  # Échap or Non: the session stays open, nothing changed
            report, text = shown
            self.carnet_app.context = ctx.with_session(None)
            self.refresh_state()
            self.say(t("tillui.closed_done", number=report.z_number))
            self.app.push_screen(ReportDialog(t("tillui.z.title", number=report.z_number), text,
                                              lambda: print_report(report, settings), auto_print=True))

        def count(cash: Any) -> None:
            self.say("")
            self.app.push_screen(CloseDialog(ctx, int(cash.expected_cents), settings), callback=closed)

        # read only: looking at what the drawer should hold is not an X (no journal row)
        await offthread.run(self, lambda: till.session_cash(ctx), done=count,
                            refused=lambda refusal: self.say(refusal.message), show=self.say)

    def action_reports(self) -> None:
        from carnet_tui.ui.screens.reports import ReportsScreen

        self.app.push_screen(ReportsScreen())

    def action_back(self) -> None:
        if not offthread.is_busy(self):
            self.app.pop_screen()

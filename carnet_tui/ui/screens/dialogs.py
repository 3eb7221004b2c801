"""Modal dialogs. Escape always closes them with nothing changed; errors show beside the field."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from carnet_tui.domain.clients import ClientInput
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import format_dh, parse_amount
from carnet_tui.domain.numbering import billet_number
from carnet_tui.domain.payment import PaymentInput, check_payment
from carnet_tui.domain.rules import BENEFICIARY_TYPES, PAYMENT_METHODS
from carnet_tui.services import clients as client_service
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.literal import literal
from carnet_tui.ui.screens.yesno import YesNo
from carnet_tui.ui.threads import close_thread_connection as _close_thread_connection  # noqa: F401 (sale.py takes it from here)
from carnet_tui.ui.widgets import ChoiceBar, Gauge, KeyList, QuietInput, drain

CANCEL = Binding("escape", "cancel", t("key.cancel"), key_display=t("keycap.escape"))
# priority: Enter closes the dialog before the keys typed after it are routed (they belong to the
# window below); the action first lets the field take the keys typed before it (drain)
VALIDATE = Binding("enter", "submit", t("key.validate"), key_display=t("keycap.enter"), priority=True)


class Dialog(ModalScreen[Any]):
    """Base: a framed box; Escape dismisses with None."""

    # F1 over a dialog too: a payment waiting for another desk's lock leaves the cashier free
    BINDINGS = [CANCEL, Binding("f1", "app.help", t("key.help"), key_display="F1", show=False)]
    FIRST_INPUT: str | None = None  # where keys typed while the dialog opens are sent
    _idle_hint: Any = None  # the hint line, while it says that a write is under way
    _result_waiting: tuple[Any] | None = None  # a result that came while another screen was on top

    def action_cancel(self) -> None:
        if offthread.is_busy(self):
            return  # a write under way: its result must reach the window, Escape waits for it
        self.dismiss(None)

    def action_validate(self) -> Any:
        """Dialogs with fields override this (async when they write through ``offthread``)."""

    async def action_submit(self) -> None:
        await drain(self)  # keys that came while the dialog was opening wait in the screen's queue
        await drain(self.focused)
        await drain(self)  # and those that bubbled up from the field
        outcome = self.action_validate()
        if inspect.isawaitable(outcome):
            await outcome

    async def write(self, fn: Callable[[], Any], done: Callable[[Any], Any],
                    refused: Callable[[offthread.Refusal], Any]) -> None:
        """``fn`` off the UI thread (see ``offthread.run``); the hint line says it is under way. A
        second Enter meanwhile starts nothing."""
        await offthread.run(self, fn, done=done, refused=refused, show=self.show_progress)

    def show_progress(self, text: str) -> None:
        hint = self.query(".hint").last(Static)
        if self._idle_hint is None:
            self._idle_hint = hint.content
        hint.update(literal(text) if text else self._idle_hint)
        self.set_class(bool(text), "-busy")

    def dismiss_when_shown(self, result: Any) -> None:
        """Dismiss with ``result`` now, or once the screens opened over this one (help, F1) close:
        ``dismiss`` pops the top screen, whichever it is."""
        if self.is_active:
            self.dismiss(result)
        else:
            self._result_waiting = (result,)

    def on_screen_resume(self) -> None:
        waiting = self._result_waiting
        if waiting is not None:
            self._result_waiting = None
            self.dismiss(waiting[0])

    def on_key(self, event: Key) -> None:
        """Keys typed right after the dialog was asked for (SSH delivers them together) reach the
        screen before any field has the focus: put them where the cashier meant them to go."""
        char = event.character
        if not char or not char.isprintable() or self.FIRST_INPUT is None:
            return
        target = self.focused
        if target is None:
            target = self.query_one(self.FIRST_INPUT)
        if isinstance(target, Input):
            event.stop()
            event.prevent_default()
            target.insert_text_at_cursor(char)

    def show_error(self, widget_id: str, message: str) -> None:
        self.query_one(f"#{widget_id}", Static).update(literal(message))

    def clear_errors(self) -> None:
        for label in self.query(".error"):
            if isinstance(label, Static):
                label.update("")


class PaymentDialog(Dialog):
    """Règlement: method, amount tendered and change (cash), cheque number, reference."""

    FIRST_INPUT = AUTO_FOCUS = "#pay-tendered"

    # exact cash is a choice of its own (F9 fills Reçu with the total): an empty Reçu is refused
    BINDINGS = [CANCEL, VALIDATE, Binding("f9", "exact", t("key.exact"), key_display="F9", priority=True)]

    def __init__(self, total_cents: int, summary: str, submit: Callable[[PaymentInput], object]) -> None:
        super().__init__()
        self.total_cents = total_cents
        self.summary = summary
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(id="payment-dialog", classes="dialog"):
            yield Label(t("pay.title"), classes="dialog-title")
            yield Static(literal(self.summary), id="pay-summary")
            yield Static(t("pay.total", total=format_dh(self.total_cents)), id="pay-total")
            with Horizontal(classes="field-row", id="row-method"):
                yield Label(t("pay.method"), classes="field-label")
                yield ChoiceBar(
                    [(m, t(f"method.{m}")) for m in PAYMENT_METHODS],
                    value="cash",
                    id="pay-method",
                )
            with Horizontal(classes="field-row", id="row-tendered"):
                yield Label(t("pay.tendered"), classes="field-label")
                yield QuietInput(id="pay-tendered", compact=True, classes="amount")
                yield Static(t("pay.change_none"), id="pay-change")
            with Horizontal(classes="field-row", id="row-exact"):
                yield Label("", classes="field-label")
                yield Button(t("pay.exact"), id="pay-exact", compact=True)
            with Horizontal(classes="field-row", id="row-cheque"):
                yield Label(t("pay.cheque"), classes="field-label")
                yield QuietInput(id="pay-cheque", compact=True, max_length=20)
            with Horizontal(classes="field-row", id="row-reference"):
                yield Label(t("pay.reference"), classes="field-label")
                yield QuietInput(id="pay-reference", compact=True, max_length=60)
            yield Static("", id="pay-error", classes="error")
            yield Static(t("pay.hint"), classes="hint")

    def on_mount(self) -> None:
        self._show_method("cash")

    def _show_method(self, method: str) -> None:
        self.query_one("#row-tendered").display = method == "cash"
        self.query_one("#row-exact").display = method == "cash"
        self.query_one("#row-cheque").display = method == "cheque"
        self.query_one("#row-reference").display = method in ("card", "transfer")

    @on(ChoiceBar.Changed, "#pay-method")
    def method_changed(self, event: ChoiceBar.Changed) -> None:
        self._show_method(event.value)
        self.clear_errors()

    @on(QuietInput.Changed, "#pay-tendered")
    def tendered_changed(self, event: QuietInput.Changed) -> None:
        change = self.query_one("#pay-change", Static)
        error = self.query_one("#pay-error", Static)
        error.update("")
        if not event.value.strip():
            change.update(t("pay.change_none"))
            return
        try:
            tendered = parse_amount(event.value)
        except DomainError as exc:
            change.update(t("pay.change_none"))
            error.update(literal(exc.message))  # it echoes what was typed
            return
        if tendered < self.total_cents:
            change.update(t("pay.change_none"))  # the shortfall is said on Enter, not mid-typing
        else:
            change.update(t("pay.change", change=format_dh(tendered - self.total_cents)))

    def action_exact(self) -> None:
        self.query_one("#pay-method", ChoiceBar).value = "cash"
        field = self.query_one("#pay-tendered", QuietInput)
        field.value = format_dh(self.total_cents).removesuffix(" DH")  # parse_amount reads it back
        field.cursor_position = len(field.value)
        self.set_focus(field)

    @on(Button.Pressed, "#pay-exact")
    def exact_pressed(self) -> None:
        self.action_exact()

    def payment(self) -> PaymentInput:
        method = self.query_one("#pay-method", ChoiceBar).value
        tendered_text = self.query_one("#pay-tendered", QuietInput).value
        if method == "cash" and not tendered_text.strip():
            raise DomainError("err.payment.tendered_required", field="tendered")
        tendered = parse_amount(tendered_text) if method == "cash" and tendered_text.strip() else None
        return PaymentInput(
            method=method,
            tendered_cents=tendered,
            cheque_number=self.query_one("#pay-cheque", QuietInput).value if method == "cheque" else None,
            reference=self.query_one("#pay-reference", QuietInput).value or None,
        )

    async def action_validate(self) -> None:
        if offthread.is_busy(self):
            return  # Enter again while the payment is being saved: one line, paid once
        self.clear_errors()
        try:
            payment = self.payment()
            check_payment(payment, self.total_cents)
        except DomainError as exc:
            self.show_error("pay-error", exc.message)
            return
        await self.write(lambda: self.submit(payment), self.dismiss_when_shown,
                         lambda refusal: self.show_error("pay-error", refusal.message))


class NewClientDialog(Dialog):
    """F3: name required; phone and member number checked by the domain rules."""

    FIRST_INPUT = AUTO_FOCUS = "#client-name"

    BINDINGS = [CANCEL, VALIDATE]

    def __init__(self, beneficiary_type: str) -> None:
        super().__init__()
        self.beneficiary_type = beneficiary_type

    def compose(self) -> ComposeResult:
        with Vertical(id="client-dialog", classes="dialog"):
            yield Label(t("client.title"), classes="dialog-title")
            for field, key, max_length in (("name", "client.name", 120), ("phone", "client.phone", 20),
                                           ("member", "client.member", 30)):
                with Horizontal(classes="field-row"):
                    yield Label(t(key), classes="field-label")
                    yield QuietInput(id=f"client-{field}", compact=True, max_length=max_length)
                yield Static("", id=f"client-{field}-error", classes="error")
            with Horizontal(classes="field-row"):
                yield Label(t("client.type"), classes="field-label")
                yield ChoiceBar(
                    [(k, t(f"beneficiary.{k}")) for k in BENEFICIARY_TYPES],
                    letters={k: k for k in BENEFICIARY_TYPES},
                    value=self.beneficiary_type,
                    id="client-type",
                )
            yield Static(t("client.hint"), classes="hint")

    async def action_validate(self) -> None:
        if offthread.is_busy(self):
            return
        self.clear_errors()
        data = ClientInput(
            name=self.query_one("#client-name", QuietInput).value,
            beneficiary_type=self.query_one("#client-type", ChoiceBar).value,
            phone=self.query_one("#client-phone", QuietInput).value,
            member_number=self.query_one("#client-member", QuietInput).value,
        )

        def refused(refusal: offthread.Refusal) -> None:
            field = refusal.field if refusal.field in ("name", "phone", "member") else "name"
            self.show_error(f"client-{field}-error", refusal.message)
            self.set_focus(self.query_one(f"#client-{field}"))

        await self.write(lambda: client_service.create_client(data), self.dismiss_when_shown, refused)


class ReasonDialog(Dialog):
    """Asks a reason, then runs ``submit(reason)``; a refusal stays in the dialog."""

    FIRST_INPUT = AUTO_FOCUS = "#reason"

    BINDINGS = [CANCEL, VALIDATE]

    def __init__(self, title: str, submit: Callable[[str], object], required: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.submit = submit
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(id="reason-dialog", classes="dialog"):
            yield Label(literal(self.title_text), classes="dialog-title")
            with Horizontal(classes="field-row"):
                yield Label(t("reason.label"), classes="field-label")
                yield QuietInput(id="reason", compact=True, max_length=300)
            yield Static("", id="reason-error", classes="error")
            yield Static(t("reason.hint" if self.required else "reason.optional_hint"), classes="hint")

    async def action_validate(self) -> None:
        if offthread.is_busy(self):
            return
        reason = " ".join(self.query_one("#reason", QuietInput).value.split())
        if not reason and self.required:
            self.show_error("reason-error", t("reason.required"))
            return
        await self.write(lambda: self.submit(reason),
                         lambda result: self.dismiss_when_shown(result if result is not None else True),
                         lambda refusal: self.show_error("reason-error", refusal.message))


class RangeDialog(Dialog):
    """Billets from–to plus a reason, for a partial reprint."""

    FIRST_INPUT = AUTO_FOCUS = "#range-first"

    BINDINGS = [CANCEL, VALIDATE]

    def __init__(self, number: str, count: int, submit: Callable[[int, int, str], object]) -> None:
        super().__init__()
        self.number = number
        self.count = count
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical(id="range-dialog", classes="dialog"):
            yield Label(literal(t("range.title", number=self.number)), classes="dialog-title")
            with Horizontal(classes="field-row"):
                yield Label(t("range.first"), classes="field-label")
                yield QuietInput("1", id="range-first", compact=True, max_length=5, classes="short")
                yield Label(t("range.last"), classes="field-label")
                yield QuietInput(str(self.count), id="range-last", compact=True, max_length=5,
                                 classes="short")
            with Horizontal(classes="field-row"):
                yield Label(t("reason.label"), classes="field-label")
                yield QuietInput(id="reason", compact=True, max_length=300)
            yield Static("", id="reason-error", classes="error")
            yield Static(t("reason.hint"), classes="hint")

    def action_validate(self) -> None:
        first_text = self.query_one("#range-first", QuietInput).value.strip()
        last_text = self.query_one("#range-last", QuietInput).value.strip()
        if not (first_text.isdigit() and last_text.isdigit()) or not (
            1 <= int(first_text) <= int(last_text) <= self.count
        ):
            self.show_error("reason-error", t("range.bad", count=self.count))
            return
        reason = " ".join(self.query_one("#reason", QuietInput).value.split())
        if not reason:
            self.show_error("reason-error", t("reason.required"))
            return
        try:
            result = self.submit(int(first_text), int(last_text), reason)
        except DomainError as exc:
            self.show_error("reason-error", exc.message)
            return
        self.dismiss(result if result is not None else True)


class ConfirmDialog(YesNo):
    """Oui / Non. O, Y or Enter say yes; N or Escape say no."""

    BINDINGS = [
        Binding("o,y,enter", "answer(True)", t("key.yes"), key_display="O", priority=True),
        Binding("n,escape", "answer(False)", t("key.no"), key_display="N", priority=True),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__(title, question, t("printq.hint"))


class RetryDialog(ModalScreen[bool]):
    """A print that failed: the printer's message, **Réessayer** (R or Enter) or **Plus tard**
    (P or Escape). Dismisses with True to retry."""

    BINDINGS = [
        Binding("r,enter", "answer(True)", t("key.retry"), key_display="R", priority=True),
        Binding("p,escape", "answer(False)", t("key.later"), key_display="P", priority=True),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="retry-dialog", classes="dialog confirm"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield Static(literal(self.message), id="retry-message", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("key.retry"), id="retry", compact=True, variant="primary")
                yield Button(t("key.later"), id="later", compact=True)
            yield Static(t("retry.hint"), classes="hint")

    def action_answer(self, retry: bool) -> None:
        self.dismiss(retry)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "retry")


def billets_left_text(left: int, count: int) -> str:
    """ "11 billets restants sur 15", "1 billet restant sur 15": what a carnet still owes."""
    return t("printq.left.one", count=count) if left == 1 else t("printq.left.many", left=left, count=count)


class PrintCarnetDialog(ModalScreen[str]):
    """The per-carnet question, then the manual's print window (Total des Billets, the gauge and,
    beside it, the billet numbers as they come out), then Réessayer / Plus tard on failure.

    ``sent``: billets already sent (read from the store when not given), for "11 billets restants
    sur 15". Dismisses with ``printed``, ``no`` (Non) or ``later`` (failure left for later).
    """

    BINDINGS = [
        Binding("o,y,enter", "yes", t("key.yes"), key_display="O", priority=True),
        Binding("n,escape", "no", t("key.no"), key_display="N", priority=True),
        Binding("r", "retry", t("key.retry"), key_display="R"),
        Binding("p", "later", t("key.later"), key_display="P"),
    ]
    SHOWN = 4  # billet numbers listed beside the gauge (the last ones out)

    def __init__(
        self, carnet_id: int, number: str, count: int, settings: object, sent: int | None = None
    ) -> None:
        super().__init__()
        self.carnet_id = carnet_id
        self.number = number
        self.count = count
        self.settings = settings
        self.sent = self._sent_so_far() if sent is None else sent
        self.state = "ask"  # ask → printing → failed | done
        self.acting: Any = None  # who prints: the app's context when Oui (or Réessayer) is pressed

    def _sent_so_far(self) -> int:
        from carnet_tui.services import sales

        try:
            return sales.carnet_status(self.carnet_id).billets_sent
        except Exception:  # noqa: BLE001 - only the question's wording depends on it
            return 0

    def question(self) -> str:
        left = self.count - self.sent
        if 0 < self.sent < self.count:
            return t("printq.question.left", number=self.number, left=billets_left_text(left, self.count))
        if self.count == 1:
            return t("printq.question.one", number=self.number)
        return t("printq.question", number=self.number, count=self.count)

    def compose(self) -> ComposeResult:
        with Vertical(id="print-dialog", classes="dialog confirm"):
            yield Label(t("printq.title"), classes="dialog-title")
            yield Static(literal(self.question()), id="print-question")
            with Horizontal(classes="buttons", id="print-buttons"):
                yield Button(t("key.yes"), id="yes", compact=True, variant="primary")
                yield Button(t("key.no"), id="no", compact=True)
            with Horizontal(id="print-window"):
                with Vertical(id="print-gauge-side"):
                    yield Static(t("printq.total", count=self.count), id="print-total")
                    yield Gauge(id="print-progress")
                    yield Static("", id="print-status")
                yield Static(t("printq.numbers"), id="print-numbers")
            yield Static("", id="print-error", classes="error")
            with Horizontal(classes="buttons", id="retry-buttons"):
                yield Button(t("key.retry"), id="retry", compact=True, variant="primary")
                yield Button(t("key.later"), id="later", compact=True)
            yield Static(t("printq.hint"), classes="hint", id="print-hint")

    def on_mount(self) -> None:
        for widget_id in ("#print-window", "#print-error", "#retry-buttons"):
            self.query_one(widget_id).display = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = {"ask": {"yes", "no"}, "printing": set(), "failed": {"retry", "later", "no"}, "done": set()}
        return action in allowed[self.state]

    def action_yes(self) -> None:
        self._start()

    def action_no(self) -> None:
        self.dismiss("later" if self.state == "failed" else "no")

    def action_retry(self) -> None:
        self._start()

    def action_later(self) -> None:
        self.dismiss("later")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes" and self.state == "ask":
            self._start()
        elif event.button.id == "retry" and self.state == "failed":
            self._start()
        elif event.button.id in ("no", "later"):
            self.action_no()

    def _start(self) -> None:
        self.acting = getattr(self.app, "context", None)  # now: the cashier may have changed
        self.state = "printing"
        self.refresh_bindings()
        self.query_one("#print-buttons").display = False
        self.query_one("#retry-buttons").display = False
        self.query_one("#print-error").display = False
        self.query_one("#print-hint", Static).update("")
        self.query_one("#print-window").display = True
        self._print()

    def progress(self, done: int, total: int) -> None:
        gauge = self.query_one("#print-progress", Gauge)
        gauge.total, gauge.done = total, done
        self.query_one("#print-status", Static).update(t("printq.progress", done=done, total=total))
        # billets go out in order (a resume starts after the last one sent): billets 1..done are
        # out, the last of them listed, the earlier ones folded into "…"
        first = 1 if done <= self.SHOWN else done - self.SHOWN + 2
        shown = [billet_number(self.number, seq, total) for seq in range(first, done + 1)]
        if first > 1:
            shown.insert(0, t("printq.earlier"))
        self.query_one("#print-numbers", Static).update("\n".join([t("printq.numbers"), *shown]))

    @work(thread=True, exclusive=True, exit_on_error=False, group="print")
    def _print(self) -> None:
        from carnet_tui.services import printing

        worker = get_current_worker()
        # the printer's faults as it says them; a refusal, a storage fault met by a read, anything
        # else (logged to carnet.log): in French, never SQLite's English, never a crash
        def run() -> None:
            if self.acting is None:
                raise DomainError("err.user.signed_out")
            printing.print_carnet(
                self.acting,
                self.carnet_id,
                self.settings,
                on_progress=lambda done, total: self.app.call_from_thread(self.progress, done, total),
            )

        outcome = offthread.call(
            run,
            data_dir=getattr(self.settings, "data_dir", None),
            expected=(printing.PrinterError,),
            doing="print_carnet",
        )
        if outcome.refusal is not None:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, outcome.refusal.message)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._done)

    def _failed(self, message: str) -> None:
        self.state = "failed"
        self.refresh_bindings()
        error = self.query_one("#print-error", Static)
        error.update(literal(t("printq.failed", number=self.number) + "\n" + message))
        error.display = True
        self.query_one("#retry-buttons").display = True
        self.query_one("#print-hint", Static).update(t("printq.retry_hint"))

    def _done(self) -> None:
        self.state = "done"
        self.dismiss("printed")


class MenuDialog(Dialog):
    """A list of actions; Enter picks one, Escape leaves."""

    AUTO_FOCUS = "#menu"

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="menu-dialog", classes="dialog"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield KeyList(*[Option(literal(label), id=key) for key, label in self.options], id="menu")
            yield Static(t("menu.hint"), classes="hint")

    def on_mount(self) -> None:
        menu = self.query_one("#menu", OptionList)
        menu.highlighted = 0

    @on(OptionList.OptionSelected, "#menu")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class InfoDialog(Dialog):
    """Read-only text: help, a sale's history."""

    AUTO_FOCUS = "#info-scroll"

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="info-dialog", classes="dialog"):
            yield Label(literal(self.title_text), classes="dialog-title")
            with VerticalScroll(id="info-scroll"):
                yield Static(literal(self.body), id="info-body")
            yield Static(t("info.hint"), classes="hint")

    def key_enter(self) -> None:
        self.dismiss(None)

"""Contrôle d'accès: one field a keyboard-wedge scanner types into (QR text + Enter), or the door agent
types a billet number (recorded as manual); the verdict fills the screen in big letters, green
ACCEPTÉ or red REFUSÉ with the reason, readable from two metres at 80×24 in 16 colours. A refusal
rings the bell. The next scan replaces the verdict: no key to dismiss it. F2: the carnet's balance;
F3: today's entries (F9 prints them). 80×24.
"""

from __future__ import annotations

import time
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from carnet_tui.domain.door import MAX_SCAN, Reason
from carnet_tui.domain.rules import format_date
from carnet_tui.domain.text import fit_cells
from carnet_tui.services import door
from carnet_tui.services.door import Balance, CheckIn, EntriesReport
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.literal import literal
from carnet_tui.ui.widgets import KeyBar, QuietInput

# a person types a digit every 100 ms or more; a keyboard-wedge scanner, a few ms (a burst). A text
# typed slower than this per character on average was typed by the agent: a manual entry.
MANUAL_MS_PER_CHAR = 35
DETAIL_WIDTH = 76
BALANCE_ROWS = 11  # the entries a balance shows at 80×24 (the latest ones)

# block letters, 6 rows (the accent of É on the first): the two words the door ever shows big
FONT: dict[str, tuple[str, ...]] = {
    "A": ("     ", " ███ ", "█   █", "█████", "█   █", "█   █"),
    "C": ("     ", " ████", "█    ", "█    ", "█    ", " ████"),
    "E": ("     ", "█████", "█    ", "████ ", "█    ", "█████"),
    "É": ("  ▄▀ ", "█████", "█    ", "████ ", "█    ", "█████"),
    "P": ("     ", "████ ", "█   █", "████ ", "█    ", "█    "),
    "T": ("     ", "█████", "  █  ", "  █  ", "  █  ", "  █  "),
    "R": ("     ", "████ ", "█   █", "████ ", "█  █ ", "█   █"),
    "F": ("     ", "█████", "█    ", "████ ", "█    ", "█    "),
    "U": ("     ", "█   █", "█   █", "█   █", "█   █", " ███ "),
    "S": ("     ", " ████", "█    ", " ███ ", "    █", "████ "),
}


def big(word: str) -> str:
    """``word`` in block letters (the full block and half blocks are in the Linux console font)."""
    rows = zip(*(FONT.get(ch, ("     ",) * 6) for ch in word), strict=True)
    return "\n".join("  ".join(row) for row in rows)  # rows of one width: centred as one block


def verdict_lines(result: CheckIn) -> tuple[str, str, list[str]]:
    """(the big word, the reason line, the detail lines) of a verdict."""
    details: list[str] = []
    if result.accepted:
        if result.client:
            details.append(result.client)
        details.append(t("door.detail.carnet", carnet=result.carnet, model=result.model))
        details.append(t("door.detail.entry", n=result.entry_number, count=result.count, left=result.left))
        if result.valid_from and result.valid_until:
            details.append(t("door.detail.valid", start=format_date(result.valid_from),
                             end=format_date(result.valid_until)))
        reason_line = t("door.detail.billet", billet=result.billet)
    else:
        assert result.reason is not None
        reason_line = t(f"door.reason.{result.reason.value}").upper()
        if result.reason is Reason.USED and result.used is not None:
            used = result.used
            details.append(t("door.detail.used", date=format_date(used.at.date()), time=f"{used.at:%H:%M}",
                             door=used.door, agent=used.agent))
        elif result.reason is Reason.EXPIRED and result.valid_until:
            details.append(t("door.detail.expired", date=format_date(result.valid_until)))
        elif result.reason is Reason.NOT_YET and result.valid_from:
            details.append(t("door.detail.not_yet", date=format_date(result.valid_from)))
        elif result.reason is Reason.VOIDED:
            details.append(t("door.detail.voided", reason=result.void_reason))
        if result.billet:
            details.append(t("door.detail.billet", billet=result.billet))
        if result.carnet:
            details.append(t("door.detail.carnet", carnet=result.carnet, model=result.model))
        if result.client:
            details.append(result.client)
    if result.manual:
        details.append(t("door.detail.manual"))
    if result.legacy:
        details.append(t("door.detail.legacy"))
    word = t("door.accepted") if result.accepted else t("door.refused")
    return big(word), reason_line, details


def balance_lines(balance: Balance, others: list[Balance]) -> list[str]:
    lines = [t("door.balance.summary", client=balance.client or "—", used=balance.used, count=balance.count,
               left=balance.left, end=format_date(balance.valid_until))]
    if balance.voided:
        lines.append(t("door.balance.voided"))
    if not balance.entries:
        lines.append(t("door.balance.none"))
    shown = balance.entries[-BALANCE_ROWS:]
    for entry in shown:
        how = f" ({t('door.detail.manual')})" if entry.manual else ""
        lines.append(t("door.balance.entry", seq=entry.seq, count=balance.count,
                       date=format_date(entry.at.date()), time=f"{entry.at:%H:%M}", door=entry.door,
                       agent=entry.agent, how=how))
    others = [o for o in others if o.carnet != balance.carnet][: max(0, 14 - len(lines))]
    if others:
        lines.append("")
    lines += [t("door.client.line", carnet=o.carnet, model=o.model, left=o.left, count=o.count,
                end=format_date(o.valid_until)) for o in others]
    return lines


class ScanInput(QuietInput):
    """The scanner's field: remembers when the current text's first key came (manual or scanned)."""

    started: float | None = None

    async def _on_key(self, event: Key) -> None:
        # (Textual calls each class's _on_key in turn: the bindings and the typing still happen)
        if event.key != "enter" and (not self.value or self.started is None):
            self.started = time.monotonic()


class DoorScreen(Screen):
    AUTO_FOCUS = "#door-scan"
    DEFAULT_CSS = """
    #door-screen { background: ansi_default; color: ansi_default; }
    #door-header { height: 1; }
    #door-title { text-style: bold; width: auto; padding: 0 1 0 0; }
    #door-info { width: 1fr; text-align: right; color: ansi_cyan; }
    #door-row { height: 1; }
    #door-scan { width: 1fr; }
    #door-verdict { height: 1fr; align: center top; padding: 1 1 0 1; }
    #door-verdict Static { width: 100%; text-align: center; }
    #door-big { height: 6; text-style: bold; }
    #door-reason { height: auto; text-style: bold; margin: 1 0 1 0; }
    #door-lines { height: auto; }
    #door-verdict.idle { background: ansi_default; color: ansi_default; }
    #door-verdict.accepted { background: ansi_green; color: ansi_black; }
    #door-verdict.refused { background: ansi_red; color: ansi_bright_white; }
    #door-verdict.info { background: ansi_default; color: ansi_default; }
    #door-verdict.info #door-lines { text-align: left; }
    #door-verdict.info #door-big { display: none; }
    """
    BINDINGS = [
        Binding("f2", "balance", t("door.key.balance"), key_display="F2", priority=True),
        Binding("f3", "report", t("door.key.report"), key_display="F3", priority=True),
        Binding("f9", "print_report", t("door.key.print"), key_display="F9", priority=True),
        Binding("escape", "back", t("key.back"), key_display=t("keycap.escape")),
    ]

    def __init__(self) -> None:
        super().__init__(id="door-screen")
        self.last: CheckIn | None = None  # the verdict shown (tests and the bench read it)
        self.report: EntriesReport | None = None
        self.pending: list[tuple[str, bool]] = []  # scans that came while one was being recorded
        self.verdicts = 0  # how many verdicts were shown (a distinctive token for waits)

    def compose(self) -> ComposeResult:
        with Horizontal(id="door-header"):
            yield Label(t("door.title"), id="door-title")
            yield Static("", id="door-info")
        with Horizontal(id="door-row"):
            yield Label(t("door.placeholder"), classes="field-label")
            yield ScanInput(placeholder=t("door.prompt"), id="door-scan", compact=True,
                            max_length=MAX_SCAN)
        with Vertical(id="door-verdict", classes="idle"):
            yield Static(literal(""), id="door-big")
            yield Static(literal(t("door.waiting")), id="door-reason")
            yield Static(literal(""), id="door-lines")
        yield KeyBar()

    def on_mount(self) -> None:
        ctx = self.app.context
        if ctx is not None:
            self.query_one("#door-info", Static).update(literal(f"{ctx.desk} · {ctx.user}", 50))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print_report":
            return self.report is not None
        return True

    # ----------------------------------------------------------------- scanning
    @on(Input.Submitted, "#door-scan")
    async def scanned(self, event: Input.Submitted) -> None:
        field = self.query_one("#door-scan", ScanInput)
        text = field.value
        started, field.started = field.started, None
        field.value = ""
        if not text.strip():
            return
        elapsed_ms = (time.monotonic() - started) * 1000 if started is not None else 0.0
        manual = elapsed_ms / max(len(text.strip()) - 1, 1) > MANUAL_MS_PER_CHAR
        await self.check(text, manual)

    async def check(self, text: str, manual: bool) -> None:
        ctx = self.app.context
        until = door.untagged_until(getattr(getattr(self.app.settings, "door", None), "untagged_until", ""))
        started = await offthread.run(
            self, lambda: door.check_in(ctx, text, manual, until),
            done=self.show_verdict, refused=self.show_refusal)
        if not started:  # one under way: this one follows it, none is lost
            self.pending.append((text, manual))

    def show_verdict(self, result: CheckIn) -> None:
        self.last, self.report = result, None
        word, reason, details = verdict_lines(result)
        self._fill("accepted" if result.accepted else "refused", word, reason, details)
        if not result.accepted:
            self.app.bell()
        self.verdicts += 1
        self.refresh_bindings()
        if self.pending:
            text, manual = self.pending.pop(0)
            self.call_later(self.check, text, manual)

    def show_refusal(self, refusal: offthread.Refusal) -> None:
        self.last, self.report = None, None
        self._fill("refused", big(t("door.refused")), refusal.message, [])
        self.app.bell()
        self.verdicts += 1
        self.refresh_bindings()

    def _fill(self, kind: str, word: str, reason: str, details: list[str]) -> None:
        panel = self.query_one("#door-verdict")
        panel.set_classes(kind)
        self.query_one("#door-big", Static).update(literal(word))
        self.query_one("#door-reason", Static).update(literal(reason, DETAIL_WIDTH))
        self.query_one("#door-lines", Static).update(
            literal("\n".join(fit_cells(line, DETAIL_WIDTH) for line in details)))

    # ----------------------------------------------------------------- balance and report
    async def action_balance(self) -> None:
        """The balance of the number in the field, else of the last billet scanned."""
        field = self.query_one("#door-scan", ScanInput)
        number = field.value.strip() or (self.last.billet if self.last else "")
        if not number:
            self._fill("info", "", t("door.balance.ask"), [])
            return
        field.value = ""

        def read() -> tuple[Balance, list[Balance]]:
            balance = door.carnet_balance(number)
            others = door.client_carnets(balance.client_id) if balance.client_id else []
            return balance, others

        def shown(found: tuple[Balance, list[Balance]]) -> None:
            balance, others = found
            self.report = None
            self._fill("info", "", t("door.balance.title", carnet=balance.carnet, model=balance.model),
                       balance_lines(balance, others))
            self.refresh_bindings()

        await offthread.run(self, read, done=shown, refused=self.show_refusal)

    async def action_report(self) -> None:
        today = date.today()  # entries are stamped by the desk's clock

        def shown(report: EntriesReport) -> None:
            self.report = report
            lines = door.report_lines(report)
            self._fill("info", "", lines[0], lines[1:20])
            self.refresh_bindings()

        await offthread.run(self, lambda: door.entries_report(today, today), done=shown,
                            refused=self.show_refusal)

    async def action_print_report(self) -> None:
        report = self.report
        if report is None:
            return

        def printed(_: object) -> None:
            self.app.notify(t("door.report.printed"))

        await offthread.run(self, lambda: door.print_report(report, self.app.settings), done=printed,
                            refused=self.print_refused, expected=offthread.printer_errors())

    def print_refused(self, refusal: offthread.Refusal) -> None:
        """Said in the report's place, not in a toast that vanishes: the report stays below it."""
        self.query_one("#door-reason", Static).update(literal(refusal.message, DETAIL_WIDTH))
        self.app.bell()

    def action_back(self) -> None:
        self.app.pop_screen()

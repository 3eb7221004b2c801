"""*Rapports*: the past Z of every desk, newest first; Enter shows one as printed, R reprints it
(DUPLICATA) through ``till.reprint_z``. 80×24, keys only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from carnet_tui.domain.context import Approval, Context
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import format_amount
from carnet_tui.domain.text import cell_width, fit_cells
from carnet_tui.services import till
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.literal import literal, literal_cell
from carnet_tui.ui.screens.dialogs import CANCEL
from carnet_tui.ui.screens.till import ReportDialog, print_errors, print_report, with_text
from carnet_tui.ui.widgets import KeyBar, KeyTable

if TYPE_CHECKING:
    from carnet_tui.ui.app import CarnetApp

LIMIT = 200
AMOUNT_WIDTH = 12  # "1 000 000,00" and one space
# (column key, text key, width, right-aligned): 78 columns inside the frame
COLUMNS = (
    ("desk", "zlist.col.desk", 9, False),
    ("number", "zlist.col.number", 5, True),
    ("date", "zlist.col.date", 17, False),
    ("closed_by", "zlist.col.closed_by", 11, False),
    ("expected", "zlist.col.expected", AMOUNT_WIDTH, True),
    ("counted", "zlist.col.counted", AMOUNT_WIDTH, True),
    ("difference", "zlist.col.difference", AMOUNT_WIDTH, True),
)


def _cell(text: str, width: int, right: bool = False) -> Text:
    room = width - 1
    text = fit_cells(text, room)
    return literal_cell(" " * (room - cell_width(text)) + text + " " if right else text)


def _amount(cents: int | None) -> str:
    """An amount never cut (a cut amount reads as another number): without its group spaces when
    it is too wide for its column, and as ``#`` marks, like a spreadsheet, beyond that."""
    if cents is None:
        return ""
    room = AMOUNT_WIDTH - 1
    text = format_amount(cents)
    if len(text) > room:
        text = text.replace(" ", "")
    return text if len(text) <= room else "#" * room


@dataclass(frozen=True)
class ZRow:
    """One past Z as the list shows it."""

    id: int
    desk: str
    number: int
    created_at: datetime
    closed_by: str
    expected_cents: int | None
    counted_cents: int | None
    difference_cents: int | None


def z_rows(limit: int = LIMIT) -> list[ZRow]:
    """In a worker thread: the past Z, newest first, with their cash figures. The summary does not
    carry expected and counted cash: each Z's frozen figures are read back for them (one row by key)."""
    rows = []
    for z in till.z_reports(None, limit):
        expected, counted = getattr(z, "expected_cents", None), getattr(z, "counted_cents", None)
        if expected is None or counted is None:
            report = till.z_report(z.id)
            expected, counted = report.cash.expected_cents, report.counted_cents
        rows.append(ZRow(z.id, z.desk, z.number, z.created_at, z.closed_by, expected, counted,
                         z.difference_cents))
    return rows


def z_cells(z: ZRow) -> dict[str, str]:
    """A past Z's row: who closed which desk when, and the cash figures (counted − expected)."""
    return {
        "desk": z.desk,
        "number": str(z.number),
        "date": f"{z.created_at:%d/%m/%Y %H:%M}",
        "closed_by": z.closed_by,
        "expected": _amount(z.expected_cents),
        "counted": _amount(z.counted_cents),
        "difference": _amount(z.difference_cents),
    }


def reprint(ctx: Context | None, z_id: int, settings: Any, approval: Approval | None) -> Any:
    """In a worker thread: the Z again, journaled as a reprint, printed marked DUPLICATA."""
    if ctx is None:
        raise DomainError("tillui.no_context")
    report = till.reprint_z(ctx, z_id, approval)
    print_report(report, settings)
    return report


class DuplicataDialog(ReportDialog):
    """A past Z on screen; R reprints it (DUPLICATA), each time with a responsable's approval."""

    BINDINGS = [CANCEL, Binding("r", "print", t("key.zlist.reprint"), key_display="R", priority=True)]
    HINT = "zlist.report_hint"

    def __init__(self, title: str, text: str, reprint_with: Callable[[Approval], object]) -> None:
        super().__init__(title, text, lambda: None)
        self.reprint_with = reprint_with

    async def action_print(self) -> None:
        if offthread.is_busy(self):
            return

        def approved(approval: Approval) -> None:
            self.print_fn = lambda: self.reprint_with(approval)
            self.call_later(super(DuplicataDialog, self).action_print)

        self.app.ask_approval("reprint", approved)  # type: ignore[attr-defined]


class ReportsTable(KeyTable):
    """The past Z; Enter shows one, R reprints it."""


class ReportsScreen(Screen[None]):
    AUTO_FOCUS = "#reports-table"
    BINDINGS = [
        Binding("enter", "show", t("key.zlist.show"), key_display=t("keycap.enter"), priority=True),
        Binding("r", "reprint", t("key.zlist.reprint"), key_display="R"),
        Binding("escape", "back", t("key.back"), key_display=t("keycap.escape")),
    ]

    def __init__(self) -> None:
        super().__init__(id="reports-screen")
        self.rows: list[ZRow] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="reports-header"):
            yield Label(t("zlist.title"), id="reports-title")
            yield Static("", id="reports-info")
        yield ReportsTable(id="reports-table", classes="box", cursor_type="row", cell_padding=0)
        yield Static("", id="reports-message")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#reports-table", ReportsTable)
        table.border_title = t("zlist.box")
        for key, text_key, width, right in COLUMNS:
            table.add_column(_cell(t(text_key), width, right), key=key, width=width)
        offthread.query(self, z_rows, done=self.show_rows,
                        refused=lambda refusal: self.say(refusal.message), group="reports")

    @property
    def carnet_app(self) -> CarnetApp:
        return self.app  # type: ignore[return-value]

    def say(self, message: str) -> None:
        self.query_one("#reports-message", Static).update(literal(message))

    def show_rows(self, rows: list[ZRow]) -> None:
        self.rows = list(rows)
        table = self.query_one("#reports-table", ReportsTable)
        table.clear()
        for z in self.rows:
            cells = z_cells(z)
            table.add_row(*[_cell(cells[key], width, right) for key, _, width, right in COLUMNS],
                          key=str(z.id))
        count = len(self.rows)
        table.border_subtitle = "" if count else t("zlist.none")
        self.query_one("#reports-info", Static).update(t("zlist.count", count=count) if count else "")

    def current(self) -> ZRow | None:
        row = self.query_one("#reports-table", ReportsTable).cursor_row
        if not self.rows or row is None or not 0 <= row < len(self.rows):
            return None
        return self.rows[row]

    @on(DataTable.RowSelected, "#reports-table")
    async def row_chosen(self) -> None:
        await self.action_show()

    async def action_show(self) -> None:
        z = self.current()
        if z is None:
            self.say(t("zlist.no_row"))
            return
        ctx, settings = self.carnet_app.context, self.carnet_app.settings

        def show(shown: tuple[Any, str]) -> None:
            title = t("zlist.view.title", number=z.number, desk=z.desk)
            self.app.push_screen(DuplicataDialog(
                title, shown[1], lambda approval: reprint(ctx, z.id, settings, approval)))

        await offthread.run(self, lambda: with_text(till.z_report(z.id), settings), done=show,
                            refused=lambda refusal: self.say(refusal.message), show=self.say)

    async def action_reprint(self) -> None:
        z, ctx = self.current(), self.carnet_app.context
        if z is None:
            self.say(t("zlist.no_row"))
            return
        if ctx is None:
            self.say(t("tillui.no_context"))
            return
        settings = self.carnet_app.settings

        async def approved(approval: Approval) -> None:
            self.say(t("tillui.printing"))
            await offthread.run(self, lambda: reprint(ctx, z.id, settings, approval),
                                done=lambda _r: self.say(t("zlist.reprinted", number=z.number, desk=z.desk)),
                                refused=lambda refusal: self.say(
                                    t("tillui.print_failed", message=refusal.message)),
                                expected=print_errors())

        self.carnet_app.ask_approval("reprint", lambda approval: self.call_later(approved, approval))

    def action_back(self) -> None:
        self.app.pop_screen()

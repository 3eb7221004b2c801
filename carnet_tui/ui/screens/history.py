"""Historique des ventes: recent sales, newest first, a filter on the sale or carnet number, the
chosen sale's carnets, and the actions menu (reprints, invoice, history) on either table. 80×24."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Label, Static

from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import format_dh
from carnet_tui.domain.rules import format_date
from carnet_tui.domain.text import cell_width, fit_cells
from carnet_tui.services import sales
from carnet_tui.services.sales import CarnetStatus, SaleSummary
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.literal import literal, literal_cell
from carnet_tui.ui.screens.actions import RowActions, Target
from carnet_tui.ui.screens.sale import SOLD_COLUMNS, carnet_cells
from carnet_tui.ui.widgets import KeyBar, KeyTable, QuietInput

if TYPE_CHECKING:
    from carnet_tui.ui.app import CarnetApp

LIMIT = 200
# (column key, text key, width, right-aligned): 78 columns inside the frame
SALE_COLUMNS = (
    ("number", "hist.col.number", 8, False),
    ("date", "hist.col.date", 11, False),
    ("cashier", "hist.col.cashier", 16, False),
    ("total", "hist.col.total", 16, True),
    ("status", "hist.col.status", 11, False),
    ("billets", "hist.col.billets", 14, False),
)

ACTIONS = [
    Binding("f7", "screen.row_actions", t("key.actions"), key_display="F7", priority=True),
    Binding("shift+f10", "screen.row_actions", t("key.actions"), show=False, priority=True),
]


class SalesTable(KeyTable):
    """The sales; Enter shows the chosen sale's carnets, F7 its actions (receipt, invoice, history)."""

    BINDINGS = ACTIONS


class CarnetsTable(KeyTable):
    """The chosen sale's carnets; F7 their actions (billets too)."""

    BINDINGS = ACTIONS


def _cell(text: str, width: int, right: bool = False) -> Text:
    """Cut to the column with one space before the next; a cut ends with a dot ("…" is not in the
    Linux console font). Widths in terminal cells (CJK and emoji take two); shown as written."""
    room = width - 1
    text = fit_cells(text, room)
    return literal_cell(" " * (room - cell_width(text)) + text + " " if right else text)


class HistoryScreen(RowActions):
    AUTO_FOCUS = "#history-filter"
    BINDINGS = [
        Binding("escape", "back", t("key.back"), key_display=t("keycap.escape")),
        Binding("down", "to_sales", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="history-screen")
        self.summaries: list[SaleSummary] = []
        self.carnets: list[CarnetStatus] = []
        self.shown_sale: int | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="history-header"):
            yield Label(t("hist.title"), id="history-title")
            yield Static("", id="history-info")
        with Horizontal(classes="row", id="history-filter-row"):
            yield Label(t("hist.filter"), classes="field-label")
            yield QuietInput(placeholder=t("hist.filter_placeholder"), id="history-filter", compact=True,
                             max_length=sales.FILTER_MAX)
        yield SalesTable(id="history-sales", classes="box", cursor_type="row", cell_padding=0)
        yield CarnetsTable(id="history-carnets", classes="box", cursor_type="row", cell_padding=0)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#history-sales", SalesTable)
        table.border_title = t("hist.sales")
        for key, text_key, width, right in SALE_COLUMNS:
            table.add_column(_cell(t(text_key), width, right), key=key, width=width)
        carnets = self.query_one("#history-carnets", CarnetsTable)
        carnets.border_title = t("hist.carnets")
        for key, text_key, width in SOLD_COLUMNS:
            carnets.add_column(t(text_key), key=key, width=width)
        self.load_sales()

    # ----------------------------------------------------------------- the lists
    def say(self, message: str) -> None:
        self.query_one("#history-carnets").border_subtitle = literal(message)

    def load_sales(self, keep: int | None = None) -> None:
        text = self.query_one("#history-filter", QuietInput).value
        self.show_sales(sales.recent_sales(LIMIT, text), keep)

    def show_sales(self, found: list[SaleSummary], keep: int | None = None) -> None:
        if found == self.summaries and keep is None and self.shown_sale is not None:
            return  # the same list (a filter key that changed nothing): no repaint, no bytes over SSH
        self.summaries = found
        table = self.query_one("#history-sales", SalesTable)
        table.clear()
        for sale in self.summaries:
            cells = {
                "number": str(sale.number),
                "date": format_date(sale.sale_date) if sale.sale_date else "",
                "cashier": sale.cashier,
                "total": format_dh(sale.total_cents),
                "status": t(f"hist.status.{sale.status}"),
                "billets": t("hist.billets", sent=sale.billets_sent, count=sale.billets_count),
            }
            table.add_row(*[_cell(cells[key], width, right) for key, _, width, right in SALE_COLUMNS],
                          key=str(sale.id))
        count = len(self.summaries)
        table.border_subtitle = "" if count else t("hist.none")
        self.query_one("#history-info", Static).update(t("hist.count", count=count) if count else "")
        ids = [s.id for s in self.summaries]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        self.show_carnets(self.current_sale())

    def current_sale(self) -> SaleSummary | None:
        table = self.query_one("#history-sales", SalesTable)
        row = table.cursor_row
        if not self.summaries or row is None or not 0 <= row < len(self.summaries):
            return None
        return self.summaries[row]

    def show_carnets(self, sale: SaleSummary | None) -> None:
        table = self.query_one("#history-carnets", CarnetsTable)
        same = sale is not None and sale.id == self.shown_sale
        row = table.cursor_row if same else 0
        table.clear()
        self.shown_sale = sale.id if sale else None
        self.carnets = sales.sale_carnets(sale.id) if sale else []
        for carnet in self.carnets:
            table.add_row(*carnet_cells(carnet), key=str(carnet.carnet_id))
        if table.row_count:
            table.move_cursor(row=min(row or 0, table.row_count - 1))
        title = t("hist.carnets_of", number=sale.number) if sale else t("hist.carnets")
        table.border_title = title
        if not same:
            table.border_subtitle = ""

    @on(QuietInput.Changed, "#history-filter")
    def filter_changed(self, event: QuietInput.Changed) -> None:
        # off the UI thread, latest text wins: typing never waits for the query
        text = event.value
        offthread.query(self, lambda: sales.recent_sales(LIMIT, text),
                        done=lambda found: self.filter_answered(text, found),
                        refused=lambda refusal: self.say(refusal.message))

    def filter_answered(self, text: str, found: list[SaleSummary]) -> None:
        if text == self.query_one("#history-filter", QuietInput).value:
            self.show_sales(found)  # an answer to an older text is dropped

    @on(QuietInput.Submitted, "#history-filter")
    def filter_submitted(self) -> None:
        self.set_focus(self.query_one("#history-sales"))

    @on(DataTable.RowHighlighted, "#history-sales")
    def sale_highlighted(self) -> None:
        sale = self.current_sale()
        if sale is None or sale.id != self.shown_sale:
            self.show_carnets(sale)

    @on(DataTable.RowSelected, "#history-sales")
    def sale_chosen(self) -> None:
        if self.carnets:
            self.set_focus(self.query_one("#history-carnets"))

    # ----------------------------------------------------------------- keys
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_to_sales(self) -> None:
        if self.focused is self.query_one("#history-filter"):
            self.set_focus(self.query_one("#history-sales"))

    def action_row_actions(self) -> None:
        sale = self.current_sale()
        if sale is None:
            self.say(t("hist.no_sale"))
            return
        closed = sale.status != "open"
        if self.focused is self.query_one("#history-carnets"):
            table = self.query_one("#history-carnets", CarnetsTable)
            row = table.cursor_row
            if not self.carnets or row is None or not 0 <= row < len(self.carnets):
                self.say(t("msg.no_row"))
                return
            self.open_actions(Target(sale.id, sale.number, self.carnets[row]), closed)
        else:
            self.open_actions(Target(sale.id, sale.number), closed)

    def offers_take_up(self, target: Target, sale_closed: bool) -> bool:
        return not sale_closed  # an open numbered sale: paid, never printed

    def take_up(self, target: Target) -> None:
        async def open_in_window() -> None:
            refused = await self.carnet_app.take_up_sale(target.sale_id)
            if refused:
                self.say(refused)

        self.app.call_later(open_in_window)

    @property
    def carnet_app(self) -> CarnetApp:
        return self.app  # type: ignore[return-value]

    def after_print(self) -> None:
        sale = self.current_sale()
        try:
            self.load_sales(keep=sale.id if sale else None)
        except DomainError as exc:
            self.say(exc.message)

"""The "Ventes de Carnets" window: one sale, top to bottom as in the manual, at 80×24."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from carnet_tui.domain.context import Approval, Context
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import format_dh
from carnet_tui.domain.rules import (
    BENEFICIARY_TYPES,
    check_quantity,
    check_validity_days,
    format_date,
    valid_until,
)
from carnet_tui.domain.text import cell_width, fit_cells, pad_cells
from carnet_tui.services import catalog, sales, unclosed
from carnet_tui.services import clients as client_service
from carnet_tui.services.catalog import ModelView, TariffView
from carnet_tui.services.clients import ClientView
from carnet_tui.services.sales import CarnetStatus, LineRequest, PaidLine
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.literal import literal, literal_cell
from carnet_tui.ui.screens.actions import RowActions, Target, acting, sale_number_of
from carnet_tui.ui.screens.dialogs import (
    NewClientDialog,
    PaymentDialog,
    PrintCarnetDialog,
    ReasonDialog,
    RetryDialog,
    _close_thread_connection,
)
from carnet_tui.ui.widgets import ChoiceBar, KeyBar, KeyList, KeyTable, QuietInput, SoldTable, drain

if TYPE_CHECKING:
    from carnet_tui.ui.app import CarnetApp

# (column key, text key, width): widths add up to the 78 columns inside the table's frame
SOLD_COLUMNS = (
    ("number", "col.number", 14),
    ("model", "col.model", 10),
    ("client", "col.client", 9),
    ("type", "col.type", 2),
    ("tariff", "col.tariff", 8),
    ("price", "col.price", 12),
    ("until", "col.until", 11),
    ("billets", "col.billets", 4),
    ("print", "col.print", 7),
)
QUANTITY_DEFAULT = "1"


def _fit(text: str, width: int) -> str:
    """Cut to the column, keeping one space before the next column. The cut is marked with a dot,
    as a French abbreviation: "…" is not in the Linux console's font. Widths are terminal cells
    (a CJK character or an emoji takes two): a name never wraps onto a second row."""
    return fit_cells(text, width - 1)


def _short(text: str, word: str) -> str:
    """Drop a leading word every row repeats ("Carnet 15 entrées" → "15 entrées"): columns are narrow."""
    head, _, rest = text.partition(" ")
    return rest if rest and head.casefold() == word.casefold() else text


def _client_label(client: ClientView) -> str:
    """Name and the phone's last four digits: two "Mohamed Bennani" are told apart."""
    # the list has no padding: the margins are spaces of the same segment (fewer bytes per repaint)
    width = 22
    tail = client.phone[-4:]
    if not tail:
        return f" {pad_cells(client.name, width)} "
    room = width - cell_width(tail)
    return f" {pad_cells(fit_cells(client.name, room - 1), room)}{tail} "


def print_status_text(carnet: CarnetStatus) -> str:
    status = carnet.print_status
    if status == "partial":
        return t("print.partial", sent=carnet.billets_sent, count=carnet.billets_count)
    return t(f"print.{status}")


def carnet_cells(carnet: CarnetStatus) -> list[Text]:
    """A carnet's row of the carnets tables (the sale window's and the history's), as SOLD_COLUMNS."""
    values = {
        "number": carnet.number,
        "model": _short(carnet.model_name, t("word.carnet")),
        "client": carnet.client_name or t("sale.no_value"),
        "type": carnet.beneficiary_type,
        "tariff": _short(carnet.tariff_label, t("word.tariff")),
        "price": format_dh(carnet.unit_price_cents),
        "until": format_date(carnet.valid_until),
        "billets": str(carnet.billets_count),
        "print": print_status_text(carnet),
    }
    style = "strike dim" if carnet.voided else ""
    return [literal_cell(_fit(values[key], width), style) for key, _, width in SOLD_COLUMNS]


class ClientResults(KeyList):
    """The search's answers. Taking the focus brings them up to date first: an arrow typed right
    after the search text (a burst over SSH) must move in the answer to that text."""

    def on_focus(self) -> None:
        screen = self.screen
        if isinstance(screen, SaleScreen):
            screen.ensure_fresh_clients()


class SaleHeader(Static):
    """The blue top line: the window's title on the left, the sale's number and date (``update``) on
    the right. One widget where a row, a label and a field took three, each styled, laid out and
    drawn as the window first opens."""

    def render(self) -> Content:
        title = t("sale.title")
        info = self.content if isinstance(self.content, Content) else Content(str(self.content))
        gap = max(1, self.size.width - cell_width(title) - info.cell_length - 3)
        # the margins a style of their own (the same look): their own segments, as the paddings were
        margin = "not bold ansi_default"
        return Content.assemble((" ", margin), (title, "bold"), (" " * (gap + 1), margin), info,
                                (" ", margin))


class FinalizeButton(Static, can_focus=True):
    """The green Finaliser (F8) button; Enter on it finalizes. Textual's Button draws the same, but its
    default CSS (7 kB, every variant) would be parsed and matched as the window first opens (≈6 ms)."""

    BINDINGS = [Binding("enter", "screen.finalize", show=False)]

    async def on_click(self) -> None:  # where clicks are on, a click presses it as it pressed Button
        await self.run_action("screen.finalize")


class SaleScreen(RowActions):
    """One sale at a time; F8 empties the window for the next."""

    # priority: the action runs before the next key is routed, even when an input has the focus
    BINDINGS = [
        Binding("f2", "search", t("key.search"), key_display="F2", id="sale-search", priority=True),
        Binding("f3", "new_client", t("key.new_client"), key_display="F3", id="sale-new-client",
                priority=True),
        Binding("f4", "pay", t("key.pay"), key_display="F4", id="sale-pay", priority=True),
        Binding("f6", "close_sale", t("key.close"), key_display="F6", id="sale-close", priority=True),
        Binding("f8", "finalize", t("key.finalize"), key_display="F8", id="sale-finalize", priority=True),
        Binding("escape", "app.go_home", t("key.home"), key_display=t("keycap.escape")),
        # arrows between zones where the focused zone has no use for them (lists keep theirs), and
        # Enter to the next zone; priority + check_action: they act before the next key is routed
        Binding("down", "zone(1)", show=False, priority=True),
        Binding("up", "zone(-1)", show=False, priority=True),
        Binding("enter", "advance", show=False, priority=True),
    ]
    # the search has the focus from the start: focusing the first zone, then the search, restyles three
    AUTO_FOCUS = "#client-search"
    # Enter: search → results → carnets → tariffs → quantity → validity → Règlement
    ADVANCE = {
        "client-search": "client-results",
        "client-results": "carnet-list",
        "carnet-list": "tariff-table",
        "tariff-table": "quantity",
        "quantity": "validity-days",
        "validity-days": "",
    }
    # the zones where the line is chosen: a key typed there unlocks the paid-once guard
    LINE_ZONES = frozenset(
        ("beneficiary-type", "client-search", "client-results", "carnet-list", "tariff-table", "quantity",
         "validity-days")
    )
    ZONES_DOWN = {
        "beneficiary-type": "client-search",
        "client-search": "client-results",
        "quantity": "sold-table",
        "validity-days": "sold-table",
        "finalize": "sold-table",
    }
    ZONES_UP = {
        "client-search": "beneficiary-type",
        "quantity": "tariff-table",
        "validity-days": "tariff-table",
        "finalize": "validity-days",
    }

    def __init__(self) -> None:
        super().__init__(id="sale-screen")
        self.sale_id: int | None = None
        self.models: list[ModelView] = []
        self.tariffs: list[TariffView] = []
        self.clients: list[ClientView] = []
        self.carnets: dict[str, CarnetStatus] = {}
        self.results_for: tuple[str, str] | None = None  # the (search text, type) the list shows
        # the line as left after a payment: F4 pays nothing until something is chosen again
        self.paid_line_state: tuple[object, ...] | None = None
        self._defaults_of: int | None = None  # the carnet whose defaults the line holds
        self._resumed = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # runs before Screen's own handler (Textual calls each class's): at the first showing the
        # widgets were styled as they were mounted, a second pass over all of them is CPU for nothing
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False

    @property
    def carnet_app(self) -> CarnetApp:
        return self.app  # type: ignore[return-value]

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield SaleHeader(id="sale-info")
        with Horizontal(classes="row", id="beneficiary-row"):
            yield Label(t("sale.beneficiary"), classes="field-label")
            yield ChoiceBar(
                [(k, t(f"beneficiary.{k}")) for k in BENEFICIARY_TYPES],
                letters={k: k for k in BENEFICIARY_TYPES},
                value="V",
                id="beneficiary-type",
            )
            yield Static("", id="client-chosen")
        with Horizontal(classes="row", id="client-row"):
            yield Label(t("sale.client"), classes="field-label")
            yield QuietInput(placeholder=t("sale.search_placeholder"), id="client-search", compact=True,
                             max_length=client_service.SEARCH_MAX_CHARS)
        with Horizontal(id="lists"):
            # the frame is a container: new results repaint the five rows, not the frame (SSH bytes)
            with Vertical(id="client-box", classes="box"):
                yield ClientResults(id="client-results")
            yield KeyList(id="carnet-list", classes="box")
            yield KeyTable(id="tariff-table", classes="box", cursor_type="row", cell_padding=0,
                            zebra_stripes=False)
        with Horizontal(classes="row", id="line-row"):
            yield Label(t("sale.quantity"), classes="field-label")
            yield QuietInput(QUANTITY_DEFAULT, id="quantity", compact=True, max_length=6)
            yield Label(t("sale.validity"), classes="field-label")
            yield QuietInput("", id="validity-days", compact=True, max_length=6)
            yield Label(t("sale.days"), classes="unit")
            yield Static("", id="valid-until")
            yield Label(t("sale.total"), classes="field-label")
            yield Static("", id="total")
        with Horizontal(classes="row", id="message-row"):
            yield Static("", id="line-error", classes="error")
            yield FinalizeButton(f" {t('sale.finalize_button')} ", id="finalize")  # a Button's margins
        yield SoldTable(id="sold-table", classes="box", cursor_type="row", cell_padding=0)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#client-box").border_title = t("sale.clients")
        self.query_one("#carnet-list").border_title = t("sale.carnets")
        tariffs = self.query_one("#tariff-table", DataTable)
        tariffs.border_title = t("sale.tariffs")
        # Text, not str: a str label is parsed as markup, which costs rich's emoji table (~2.5 ms)
        tariffs.add_column(Text(t("col.tariff_label")), key="label", width=13)
        tariffs.add_column(Text(t("col.tariff_price"), justify="right"), key="price", width=12)
        sold = self.query_one("#sold-table", SoldTable)
        sold.border_title = t("sale.sold")
        for key, text_key, width in SOLD_COLUMNS:
            sold.add_column(Text(t(text_key)), key=key, width=width)
        self.load_models()
        self.reset_window()

    # ----------------------------------------------------------------- state
    @property
    def beneficiary(self) -> str:
        return self.query_one("#beneficiary-type", ChoiceBar).value

    def current_model(self) -> ModelView | None:
        index = self.query_one("#carnet-list", OptionList).highlighted
        return self.models[index] if index is not None and index < len(self.models) else None

    def current_tariff(self) -> TariffView | None:
        table = self.query_one("#tariff-table", DataTable)
        if not self.tariffs or table.cursor_row is None or table.cursor_row >= len(self.tariffs):
            return None
        return self.tariffs[table.cursor_row]

    def current_client(self) -> ClientView | None:
        index = self.query_one("#client-results", OptionList).highlighted
        return self.clients[index] if index is not None and index < len(self.clients) else None

    def reset_window(self) -> None:
        """The window as for a new sale: nothing sold, fields back to their defaults."""
        self.sale_id = None
        self.paid_line_state = None
        self.carnets = {}
        self.query_one("#sold-table", SoldTable).clear()
        self.query_one("#sold-table").border_title = t("sale.sold")
        self.query_one("#sold-table").border_subtitle = ""
        self.query_one("#beneficiary-type", ChoiceBar).value = "V"
        self.query_one("#client-search", QuietInput).value = ""
        self.query_one("#quantity", QuietInput).value = QUANTITY_DEFAULT
        carnet_list = self.query_one("#carnet-list", OptionList)
        if self.models:
            carnet_list.highlighted = 0
        self.apply_model_defaults()
        self.set_line_error("")
        self.update_header()
        self.run_search("", self.beneficiary)
        self.set_focus(self.query_one("#client-search"))

    @property
    def today(self) -> date:
        """The sale day: the signed-in context's (the day services number sales with)."""
        ctx = self.carnet_app.context
        return ctx.today if ctx is not None else self.carnet_app.today

    def update_header(self) -> None:
        day = format_date(self.today)
        info = t("sale.new", date=day)
        if self.sale_id is not None:
            view = sales.get_sale(self.sale_id)
            if view.number is not None:
                day = format_date(view.sale_date or self.today)
                info = t("sale.number", number=view.number, date=day)
                if view.status != "open":
                    info += f" · {t('sale.closed')}"
        self.query_one("#sale-info", Static).update(literal(info), layout=False)  # one fixed line

    def set_line_error(self, message: str, field: str | None = None) -> None:
        self.query_one("#line-error", Static).update(literal(message))
        for field_id in ("quantity", "validity-days"):
            self.query_one(f"#{field_id}").set_class(field_id == field, "-invalid")

    def say(self, message: str) -> None:
        """Information for the cashier, in the sold table's frame (no timer, nothing blinks)."""
        self.query_one("#sold-table").border_subtitle = literal(message)

    # ----------------------------------------------------------------- catalog
    def load_models(self) -> None:
        self.models = catalog.active_models()
        carnet_list = self.query_one("#carnet-list", OptionList)
        carnet_list.set_options([Option(literal(_fit(model.name, 24))) for model in self.models])
        if self.models:
            carnet_list.highlighted = 0

    @on(OptionList.OptionHighlighted, "#carnet-list")
    def model_highlighted(self) -> None:
        model = self.current_model()
        if model is not None and model.id == self._defaults_of:
            return  # the message of a highlight already applied (the window's opening): no second load
        self.apply_model_defaults()

    def apply_model_defaults(self) -> None:
        model = self.current_model()
        self._defaults_of = model.id if model else None
        box = self.query_one("#carnet-list")
        info = t("sale.model_info", count=model.billets_count, days=model.validity_days) if model else ""
        box.border_subtitle = info
        if model is not None:
            self.query_one("#validity-days", QuietInput).value = str(model.validity_days)
        self.load_tariffs()

    def load_tariffs(self) -> None:
        model = self.current_model()
        self.tariffs = catalog.tariffs_for(model.id, self.beneficiary, today=self.today) if model else []
        table = self.query_one("#tariff-table", DataTable)
        table.clear()
        for tariff in self.tariffs:
            label = _fit(_short(tariff.label, t("word.tariff")), 13)
            table.add_row(literal_cell(label), Text(format_dh(tariff.price_cents), justify="right"))
        table.border_subtitle = "" if self.tariffs else t("sale.tariffs.none")
        self.recompute()

    @on(DataTable.RowHighlighted, "#tariff-table")
    def tariff_highlighted(self) -> None:
        self.recompute()

    @on(ChoiceBar.Changed, "#beneficiary-type")
    def beneficiary_changed(self, event: ChoiceBar.Changed) -> None:
        self.load_tariffs()
        self.run_search(self.query_one("#client-search", QuietInput).value, event.value)

    # ----------------------------------------------------------------- live fields
    @on(QuietInput.Changed, "#quantity")
    @on(QuietInput.Changed, "#validity-days")
    def field_changed(self) -> None:
        self.recompute()

    def recompute(self) -> None:
        """Valid-until and total, as typed; a wrong value is named beside the fields."""
        until = self.query_one("#valid-until", Static)
        total = self.query_one("#total", Static)
        error, field = "", None
        try:
            days = check_validity_days(self.query_one("#validity-days", QuietInput).value)
            until.update(t("sale.until", date=format_date(valid_until(self.today, days))))
        except DomainError as exc:
            until.update("")
            error, field = exc.message, "validity-days"
        tariff = self.current_tariff()
        try:
            quantity = check_quantity(self.query_one("#quantity", QuietInput).value)
            total.update(format_dh(tariff.price_cents * quantity) if tariff else t("sale.no_value"))
        except DomainError as exc:
            total.update(t("sale.no_value"))
            error, field = exc.message, "quantity"
        self.set_line_error(error, field)

    # ----------------------------------------------------------------- clients
    @on(QuietInput.Changed, "#client-search")
    def search_changed(self, event: QuietInput.Changed) -> None:
        self.run_search(event.value, self.beneficiary)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, text: str, kind: str) -> None:
        """Off the UI thread, latest query wins: typing never waits for the database."""
        worker = get_current_worker()
        try:
            found = client_service.search(text, kind, limit=20)
        except Exception as exc:
            from carnet_tui.store import faults

            if not isinstance(exc, DomainError) and not faults.is_storage_error(exc):
                raise
            found = []
            if not isinstance(exc, DomainError) or exc.key.startswith("err.db."):
                # a damaged or vanished store: said in the window, never a silent empty list
                self.app.call_from_thread(self.say, faults.refusal(exc).message)
        finally:
            _close_thread_connection()
        if not worker.is_cancelled:
            self.app.call_from_thread(self.search_answered, found, (text, kind))

    def search_answered(self, found: list[ClientView], query: tuple[str, str]) -> None:
        if query == (self.query_one("#client-search", QuietInput).value, self.beneficiary):
            self.show_clients(found, query)  # an answer to an older query is dropped

    def show_clients(self, found: list[ClientView], query: tuple[str, str]) -> None:
        same_text = self.results_for is not None and self.results_for[0] == query[0]
        self.results_for = query
        if found == self.clients and self.clients:
            return  # same answer: repainting the list would only cost bytes over SSH
        # new text: the first answer; same text (type changed, list refreshed): keep the client
        previous = self.current_client() if same_text else None
        self.clients = found
        results = self.query_one("#client-results", OptionList)
        results.set_options([Option(literal(_client_label(c))) for c in found])
        ids = [c.id for c in found]
        if previous and previous.id in ids:
            results.highlighted = ids.index(previous.id)
        elif found and query[0].strip():
            results.highlighted = 0  # the first answer to what was typed
        else:
            # nothing typed: a walk-in, no client; the line must not take the alphabet's first name
            results.highlighted = None
        subtitle = "" if found else t("sale.clients.none")  # no count: a frame repaint per key
        box = self.query_one("#client-box")
        if box.border_subtitle != subtitle:
            box.border_subtitle = subtitle
        self.show_chosen_client()

    @on(OptionList.OptionHighlighted, "#client-results")
    def show_chosen_client(self) -> None:
        client = self.current_client()
        # fitted to the field (one row; before the first layout, 40 cells): the name never wraps
        label = self.query_one("#client-chosen", Static)
        room = (label.content_region.width or 42) - cell_width(t("sale.client_chosen", name=""))
        text = t("sale.client_chosen", name=fit_cells(client.name, room)) if client else ""
        if str(label.render()) != text:
            label.update(literal(text), layout=False)  # a fixed 1-line field: a repaint, not a layout pass

    @on(OptionList.OptionSelected, "#client-results")
    def client_chosen(self) -> None:
        self.set_focus(self.query_one("#carnet-list"))

    @on(OptionList.OptionSelected, "#carnet-list")
    def model_chosen(self) -> None:
        self.set_focus(self.query_one("#tariff-table"))

    @on(DataTable.RowSelected, "#tariff-table")
    def tariff_chosen(self) -> None:
        self.set_focus(self.query_one("#quantity"))

    @on(QuietInput.Submitted, "#client-search")
    def search_submitted(self) -> None:
        self.set_focus(self.query_one("#client-results"))

    @on(QuietInput.Submitted, "#quantity")
    def quantity_submitted(self) -> None:
        self.set_focus(self.query_one("#validity-days"))

    @on(QuietInput.Submitted, "#validity-days")
    async def validity_submitted(self) -> None:
        await self.action_pay()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Arrows and Enter act only from the zones listed; elsewhere the focused widget has them."""
        focused = (self.focused.id if self.focused else None) or ""
        if action == "zone":
            step = parameters[0] if parameters else 1
            return focused in (self.ZONES_DOWN if step > 0 else self.ZONES_UP)  # type: ignore[operator]
        if action == "advance":
            return focused in self.ADVANCE
        if action in ("pay", "new_client", "void_row") and offthread.is_busy(self):
            return False  # a close or a finalize is being written (ui/offthread.py): wait for it
        return True

    def action_zone(self, step: int) -> None:
        focused = self.focused.id if self.focused else None
        target = (self.ZONES_DOWN if step > 0 else self.ZONES_UP).get(focused or "")
        if target:
            self.set_focus(self.query_one(f"#{target}"))  # now, not after the keys already queued

    def line_touched(self, widget: object) -> None:
        """A key typed in a zone of the line (ImmediateKeys tells): the cashier is choosing a new
        line, even the same carnet again, so F4 may pay it. Only F4 and Enter repeated with nothing
        typed in between meet the paid-once guard."""
        if getattr(widget, "id", None) in self.LINE_ZONES:
            self.paid_line_state = None

    async def action_advance(self) -> None:
        focused = self.focused.id if self.focused else None
        target = self.ADVANCE.get(focused or "")
        if focused in ("carnet-list", "tariff-table", "quantity", "validity-days"):
            self.paid_line_state = None  # Enter on a carnet, a tariff, a field: chosen, even the same again
        if target:
            self.set_focus(self.query_one(f"#{target}"))
        elif target == "":
            await self.action_pay()

    def action_search(self) -> None:
        self.set_focus(self.query_one("#client-search"))

    def action_new_client(self) -> None:
        def created(client: ClientView | None) -> None:
            if client is None:
                return
            self.query_one("#beneficiary-type", ChoiceBar).value = client.beneficiary_type
            self.query_one("#client-search", QuietInput).value = client.name
            self.say(t("msg.client_created", name=client.name))

        self.app.push_screen(NewClientDialog(self.beneficiary), callback=created)

    async def drain_focused(self) -> None:
        """F-keys are priority bindings (they act before the next key is routed, so keys typed just
        after F4 go to the dialog). Keys typed just before may still wait in the focused field's
        queue: let that queue run first, so F4 reads "2" and not "1"."""
        if self.focused is not self:
            await drain(self.focused)

    # ----------------------------------------------------------------- paying a line
    def ensure_fresh_clients(self) -> None:
        """Keys typed in a burst can reach F4 before the search worker answers: search now, so the
        line never takes the client of an older query."""
        query = (self.query_one("#client-search", QuietInput).value, self.beneficiary)
        if self.results_for != query:
            try:
                found = client_service.search(query[0], query[1], limit=20)
            except DomainError:
                found = []
            self.show_clients(found, query)

    def line_request(self) -> LineRequest:
        self.ensure_fresh_clients()
        model = self.current_model()
        if model is None:
            raise DomainError("err.model.not_found", field="model")
        tariff = self.current_tariff()
        if tariff is None:
            raise DomainError("err.tariff.not_found", field="tariff")
        client = self.current_client()
        return LineRequest(
            beneficiary_type=self.beneficiary,
            model_id=model.id,
            tariff_id=tariff.id,
            quantity=check_quantity(self.query_one("#quantity", QuietInput).value),
            validity_days=check_validity_days(self.query_one("#validity-days", QuietInput).value),
            client_id=client.id if client else None,
        )

    async def action_pay(self) -> None:
        await self.drain_focused()
        if self._sale_closed():
            self.say(DomainError("err.sale.closed").message)
            return
        if self.paid_line_state is not None and self.line_state() == self.paid_line_state:
            self.say(t("msg.line_paid"))  # F4 again (a repeated key): that line is paid already
            return
        try:
            ctx = acting(self.app)
            if ctx.session_id is None:  # said at F4: no payment without the desk's till open
                raise DomainError("err.till.no_session")
            request = self.line_request()
            total = sales.quote(request, self.today)
        except DomainError as exc:
            field = {"quantity": "quantity", "validity": "validity-days"}.get(exc.field or "")
            self.set_line_error(exc.message, field)
            if field:
                self.set_focus(self.query_one(f"#{field}"))
            return
        model, tariff = self.current_model(), self.current_tariff()
        assert model is not None and tariff is not None
        price = format_dh(tariff.price_cents)
        # names fitted: the dialog must keep its fields on a 24-row screen, whatever an old store holds
        summary = t("pay.summary", quantity=request.quantity, model=fit_cells(model.name, 40), price=price)
        client = self.current_client()
        if client is not None:
            summary += (f"\n{t('col.client')} : {fit_cells(client.name, 40)}"
                        f" ({t('beneficiary.' + request.beneficiary_type)})")

        def submit(payment: object) -> PaidLine:
            ctx = acting(self.app)  # at Enter: the till may have opened, the cashier changed
            if ctx.session_id is None:
                raise DomainError("err.till.no_session")  # before a sale row is made for nothing
            if self.sale_id is None:
                self.sale_id = sales.open_sale(ctx)
            return sales.pay_line(ctx, self.sale_id, request, payment)  # type: ignore[arg-type]

        def paid(line: PaidLine | None) -> None:
            if line is None:
                return
            self.refresh_sold()
            self.update_header()
            self.say(t("msg.paid", numbers=", ".join(line.carnet_numbers)))
            self.fresh_line()
            self.set_focus(self.query_one("#sold-table"))

        self.app.push_screen(PaymentDialog(total, summary, submit), callback=paid)

    # ----------------------------------------------------------------- the sold table
    def refresh_sold(self) -> None:
        table = self.query_one("#sold-table", SoldTable)
        row = table.cursor_row
        table.clear()
        self.carnets = {}
        if self.sale_id is None:
            return
        for carnet in sales.sale_carnets(self.sale_id):
            self.carnets[str(carnet.carnet_id)] = carnet
            table.add_row(*carnet_cells(carnet), key=str(carnet.carnet_id))
        if table.row_count:
            table.move_cursor(row=min(row or 0, table.row_count - 1))
        count = table.row_count
        # the sale's total over its lines not voided: each was paid in full at its F4
        total = format_dh(sum(c.unit_price_cents for c in self.carnets.values() if not c.voided))
        table.border_title = t("sale.sold_total", count=count, total=total) if count else t("sale.sold")

    def selected_carnet(self) -> CarnetStatus | None:
        table = self.query_one("#sold-table", SoldTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.carnets.get(str(key))

    def action_void_row(self) -> None:
        carnet = self.selected_carnet()
        if carnet is None:
            self.say(t("msg.no_row"))
            return
        if carnet.voided or self._sale_closed():  # say so before asking for a reason
            self.say(DomainError("err.line.already_void" if carnet.voided else "err.sale.closed").message)
            return

        def voided(result: object) -> None:
            if result is None:
                return
            self.refresh_sold()
            self.say(t("msg.voided"))

        def approved(approval: Approval) -> None:
            # the reason is asked once a responsable said yes; a refusal shows in its dialog
            self.app.push_screen(
                ReasonDialog(t("reason.void_title", number=carnet.number),
                             lambda reason: sales.void_line(acting(self.app), carnet.line_id, reason,
                                                            approval)),
                callback=voided,
            )

        self.carnet_app.ask_approval("void", approved)

    # ----------------------------------------------------------------- closing and printing
    async def action_close_sale(self) -> None:
        if self.sale_id is None or not self.carnets:
            self.say(t("msg.nothing_to_close"))
            return
        if self._sale_closed():  # F6 again: the carnets left unprinted are asked for again
            left = [c for c in sales.sale_carnets(self.sale_id) if c.print_status in ("unprinted", "partial")]
            self.print_carnets(left)
            return
        sale_id = self.sale_id
        try:
            ctx = acting(self.app)
        except DomainError as exc:
            self.say(exc.message)
            return

        def closed(to_print: list[CarnetStatus]) -> None:
            self.refresh_sold()
            self.update_header()
            self.say(t("msg.receipt_printing"))
            self.print_carnets(to_print, receipt_of=sale_id)

        # off the UI thread: another desk's lock must not freeze the window (F6 twice: one close)
        await offthread.run(self, lambda: sales.close_sale(ctx, sale_id), done=closed,
                            refused=lambda refusal: self.say(refusal.message), show=self.say)

    @work(exclusive=True, group="print-sequence")
    async def print_carnets(self, carnets: list[CarnetStatus], receipt_of: int | None = None) -> None:
        """The receipt first (when the sale was just closed), then one Yes/No dialog per carnet, in
        order (push_screen_wait needs a worker)."""
        receipt_left = receipt_of is not None and not await self.print_original_receipt(receipt_of)
        for carnet in carnets:
            if carnet.print_status == "printed":
                continue
            result = await self.app.push_screen_wait(
                PrintCarnetDialog(carnet.carnet_id, carnet.number, carnet.billets_count, self.app.settings)
            )
            self.refresh_sold()
            key = "msg.printed" if result == "printed" else "msg.print_later"
            self.say(t(key, number=carnet.number))
        if receipt_left:  # said last: the billets' messages would hide it
            self.say(t("msg.receipt_later"))

    async def print_original_receipt(self, sale_id: int) -> bool:
        """The ticket de caisse, off the UI thread; a failure asks Réessayer / Plus tard. Plus tard
        goes on to the billets: the receipt stays in the actions menu, its first print the original."""
        settings = self.app.settings  # type: ignore[attr-defined]
        while True:
            error = await asyncio.to_thread(_print_receipt, self.carnet_app.context, sale_id, settings)
            if error is None:
                self.say(t("msg.sale_closed") + " " + t("msg.receipt"))
                return True
            number = sales.get_sale(sale_id).number
            title = t("receipt.failed_title", number=number)
            if not await self.app.push_screen_wait(RetryDialog(title, t("receipt.failed") + "\n" + error)):
                return False

    async def action_finalize(self, asked: bool = False, approval: Approval | None = None) -> None:
        """F8. ``approval``: a responsable's yes to finalizing with carnets left unprinted."""
        if offthread.is_busy(self):
            return  # a close or finalize is being written: F8 waits for it, asks nothing yet
        if not asked and self.ask_before_finalize():
            return

        def finalized(_: object = None) -> None:
            self.reset_window()
            self.say(t("msg.finalized"))

        if self.sale_id is not None:
            sale_id = self.sale_id

            def refused(refusal: offthread.Refusal) -> None:
                self.say(t("msg.close_first") if refusal.key == "err.sale.not_closed" else refusal.message)

            try:
                ctx = acting(self.app)
            except DomainError as exc:
                self.say(exc.message)
                return
            # off the UI thread (F8 twice: one finalize); the window empties once it is written
            await offthread.run(self, lambda: sales.finalize_sale(ctx, sale_id, approval), done=finalized,
                                refused=refused, show=self.say)
            return
        # nothing in the store yet: what was being typed is cleared, and no sale is said finalized
        self.reset_window()
        self.say(t("msg.nothing_to_finalize"))

    def ask_before_finalize(self) -> bool:
        """F8 on a sale paid but not closed asks Clôturer / Plus tard / Annuler; on a closed sale with
        carnets left unprinted, asks (default Non). True when asked: the answer acts later."""
        if self.sale_id is None:
            return False
        try:
            view = sales.get_sale(self.sale_id)
            if view.status == "open":
                return self.carnet_app.ask_before_leaving("finalize", lambda: self.set_aside(view.number))
            left = unclosed.unprinted_carnets(self.sale_id) if view.status == "closed" else []
        except Exception:  # noqa: BLE001 - the store cannot answer: the finalize below says why
            return False
        if not left:
            return False
        from carnet_tui.ui.screens.unclosed import unprinted_dialog

        def approved(approval: Approval) -> None:
            self.call_later(self.action_finalize, True, approval)

        def answered(yes: bool | None) -> None:
            if yes:  # carnets left unprinted: a responsable approves (a refusal keeps the sale)
                self.carnet_app.ask_approval("finalize_unprinted", approved)
            else:
                self.say(t("msg.sale_kept", number=view.number))

        self.app.push_screen(unprinted_dialog(view.number or 0, left), callback=answered)
        return True

    def set_aside(self, number: int | None) -> None:
        """Plus tard on F8: the window empties for the next sale; this one stays open, offered again."""
        self.reset_window()
        self.say(t("msg.sale_set_aside", number=number))

    # ----------------------------------------------------------------- a fresh line, a sale taken up
    def line_state(self) -> tuple[object, ...]:
        """What F4 would pay: type, client, model, tariff, quantity and validity as they stand."""
        self.ensure_fresh_clients()
        client, model, tariff = self.current_client(), self.current_model(), self.current_tariff()
        return (
            self.beneficiary,
            client.id if client else None,
            model.id if model else None,
            tariff.id if tariff else None,
            self.query_one("#quantity", QuietInput).value.strip(),
            self.query_one("#validity-days", QuietInput).value.strip(),
        )

    def fresh_line(self) -> None:
        """After a payment: the carnet, its tariff, the quantity and the validity back to their
        defaults. The beneficiary type and the client stay (one customer at the counter). Until
        something is chosen, F4 pays nothing: a repeated F4, Enter cannot pay the line twice."""
        self.query_one("#quantity", QuietInput).value = QUANTITY_DEFAULT
        carnet_list = self.query_one("#carnet-list", OptionList)
        if self.models:
            carnet_list.highlighted = 0
        self.apply_model_defaults()
        self.set_line_error("")
        self.paid_line_state = self.line_state()

    def load_sale(self, sale_id: int) -> None:
        """Take up a sale left open (or any sale): its carnets, number and total as they were, and
        a fresh line. F6 then closes and prints it as usual."""
        self.reset_window()
        self.sale_id = sale_id
        self.refresh_sold()
        self.update_header()
        view = sales.get_sale(sale_id)
        if view.status == "open" and self.carnets:
            self.fresh_line()
        self.say(t("msg.sale_resumed", number=view.number))
        if self.carnets:
            self.set_focus(self.query_one("#sold-table"))

    # ----------------------------------------------------------------- row actions (reprints)
    def action_row_actions(self) -> None:
        carnet = self.selected_carnet()
        if carnet is None:
            self.say(t("msg.no_row"))
            return
        self.open_actions(Target(carnet.sale_id, sale_number_of(carnet), carnet), self._sale_closed())

    def _sale_closed(self) -> bool:
        return self.sale_id is not None and sales.get_sale(self.sale_id).status != "open"

    def resume_print(self, carnet: CarnetStatus) -> None:
        self.print_carnets([carnet])

    def after_print(self) -> None:
        self.refresh_sold()


def _print_receipt(ctx: Context | None, sale_id: int, settings: object) -> str | None:
    """In a worker thread: the sale's original receipt. None when printed, else the French reason
    (a printer fault as the printer layer says it; anything else logged to carnet.log)."""
    def receipt() -> None:
        from carnet_tui.services import printing

        if ctx is None:
            raise DomainError("err.user.signed_out")
        printing.print_receipt(ctx, sale_id, settings)  # type: ignore[arg-type]

    outcome = offthread.call(receipt, data_dir=getattr(settings, "data_dir", None),
                             expected=offthread.printer_errors(), doing="print_receipt")
    return outcome.refusal.message if outcome.refusal is not None else None

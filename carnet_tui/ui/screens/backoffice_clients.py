"""Clients: search as at the counter (the inactive ones too), create, edit, deactivate, delete one
without sales; *Doublons*: the likely duplicates, merged two at a time (Oui/Non). 80×24."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Label, Static

from carnet_tui.domain.text import fit_cells
from carnet_tui.services import backoffice as bo
from carnet_tui.services.clients import SEARCH_MAX_CHARS
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.literal import literal
from carnet_tui.ui.screens.backoffice_forms import ClientDialog, cell, yes_no
from carnet_tui.ui.screens.backoffice_models import EDIT, BackOfficeScreen
from carnet_tui.ui.screens.dialogs import ConfirmDialog
from carnet_tui.ui.widgets import KeyBar, KeyTable, QuietInput

LIMIT = 50
CLIENT_COLUMNS = (
    ("name", "bo.col.client", 31, False),
    ("phone", "bo.col.phone", 15, False),
    ("member", "bo.col.member", 14, False),
    ("type", "bo.col.type", 5, False),
    ("active", "bo.col.active", 6, False),
    ("sales", "bo.col.sales", 7, True),
)
PAIR_COLUMNS = (
    ("first", "bo.col.kept", 31, False),
    ("second", "bo.col.merged", 31, False),
    ("why", "bo.col.why", 16, False),
)


class SearchInput(QuietInput):
    """The search; ↓ goes down to the results (an Input's own ↓ would scroll it, doing nothing)."""

    BINDINGS = [Binding("down", "screen.to_list", show=False)]


class ClientsTable(KeyTable):
    BINDINGS = [EDIT]


class PairsTable(KeyTable):
    BINDINGS = [Binding("enter", "screen.merge", t("bo.key.merge"), key_display=t("keycap.enter"))]


def client_text(client: bo.ClientEntry) -> str:
    return t("bo.client.short", name=client.name, id=client.id, sales=client.sales)


class ClientsScreen(BackOfficeScreen):
    AUTO_FOCUS = "#bo-client-search"
    BINDINGS = [
        Binding("escape", "back", t("key.back"), key_display=t("keycap.escape")),
        Binding("f3", "new", t("bo.key.new"), key_display="F3"),
        Binding("f8", "toggle", t("bo.key.toggle"), key_display="F8"),
        Binding("delete", "delete", t("bo.key.delete"), key_display=t("keycap.delete")),
        Binding("f9", "duplicates", t("bo.key.duplicates"), key_display="F9"),
        Binding("f6", "import", t("bo.key.import"), key_display="F6"),
        Binding("f7", "export", t("bo.key.export"), key_display="F7"),
    ]

    def __init__(self) -> None:
        super().__init__(id="bo-clients-screen")
        self.clients: list[bo.ClientEntry] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bo-header"):
            yield Label(t("bo.clients.title"), classes="bo-title")
            yield Static("", id="bo-clients-info", classes="bo-info")
        with Horizontal(classes="row"):
            yield Label(t("bo.clients.search"), classes="field-label")
            yield SearchInput(placeholder=t("bo.clients.search_placeholder"), id="bo-client-search",
                             compact=True, max_length=SEARCH_MAX_CHARS)
        yield ClientsTable(id="bo-clients", classes="box", cursor_type="row", cell_padding=0)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#bo-clients", ClientsTable)
        table.border_title = t("bo.clients.list")
        for key, text_key, width, right in CLIENT_COLUMNS:
            table.add_column(cell(t(text_key), width, right), key=key, width=width)
        self.reload()

    def say(self, message: str) -> None:
        self.query_one("#bo-clients").border_subtitle = literal(message)

    def search_text(self) -> str:
        return self.query_one("#bo-client-search", QuietInput).value

    def reload(self, keep: int | None = None) -> None:
        current = self.current_client()
        self.show(bo.search_clients(self.search_text(), LIMIT), keep or (current.id if current else None))

    def show(self, found: list[bo.ClientEntry], keep: int | None = None) -> None:
        self.clients = found
        table = self.query_one("#bo-clients", ClientsTable)
        table.clear()
        for client in found:
            cells = {"name": client.name, "phone": client.phone, "member": client.member_number,
                     "type": client.beneficiary_type, "active": yes_no(client.active),
                     "sales": str(client.sales)}
            table.add_row(*[cell(cells[k], w, r) for k, _, w, r in CLIENT_COLUMNS], key=str(client.id))
        ids = [c.id for c in found]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        self.query_one("#bo-clients-info", Static).update(t("bo.clients.count", count=len(found)))
        table.border_subtitle = "" if found else t("bo.clients.none")

    def current_client(self) -> bo.ClientEntry | None:
        row = self.query_one("#bo-clients", ClientsTable).cursor_row
        if not self.clients or row is None or not 0 <= row < len(self.clients):
            return None
        return self.clients[row]

    @on(QuietInput.Changed, "#bo-client-search")
    def search_changed(self, event: QuietInput.Changed) -> None:
        text = event.value
        offthread.query(self, lambda: bo.search_clients(text, LIMIT),
                        done=lambda found: self.search_answered(text, found),
                        refused=lambda refusal: self.say(refusal.message))

    def search_answered(self, text: str, found: list[bo.ClientEntry]) -> None:
        if text == self.search_text():
            self.show(found)

    @on(QuietInput.Submitted, "#bo-client-search")
    def search_submitted(self) -> None:
        self.set_focus(self.query_one("#bo-clients"))

    # ----------------------------------------------------------------- keys
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_to_list(self) -> None:
        if self.focused is self.query_one("#bo-client-search"):
            self.set_focus(self.query_one("#bo-clients"))

    def saved(self, made: bo.ClientEntry | None) -> None:
        """After a form: the list read again on the client, and a word saying it was saved (a new
        client outside the first ``LIMIT`` names would otherwise leave the screen unchanged)."""
        if not made:
            return
        self.reload(made.id)
        shown = any(c.id == made.id for c in self.clients)
        self.say(t("bo.clients.saved" if shown else "bo.clients.saved_hidden", name=fit_cells(made.name, 24)))

    def action_new(self) -> None:
        self.app.push_screen(ClientDialog(self.ctx), callback=self.saved)

    def action_edit(self) -> None:
        client = self.current_client()
        if client is None:
            self.say(t("bo.clients.none"))
            return
        self.app.push_screen(ClientDialog(self.ctx, client), callback=self.saved)

    def action_toggle(self) -> None:
        client = self.current_client()
        if client is None:
            return

        def done(made: bo.ClientEntry) -> None:
            self.reload(made.id)
            self.say(t("bo.now_active" if made.active else "bo.now_inactive"))

        self.change(lambda ctx, ok: bo.set_client_active(ctx, ok, client.id, not client.active), done)

    def action_delete(self) -> None:
        client = self.current_client()
        if client is None:
            return
        if client.sales:
            self.say(t("err.bo.client.has_sales"))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.change(lambda ctx, ok: bo.delete_client(ctx, ok, client.id), lambda _: self.reload())

        self.app.push_screen(ConfirmDialog(t("bo.delete.title"), t("bo.client.delete_q", name=client.name)),
                             callback=answered)

    def action_duplicates(self) -> None:
        self.app.push_screen(DuplicatesScreen(), callback=lambda _: self.reload())

    def action_import(self) -> None:
        self.ask_import()

    def action_export(self) -> None:
        self.ask_export(t("bo.export.clients"), bo.export_clients, "clients.csv")


class DuplicatesScreen(BackOfficeScreen):
    """The likely duplicates, the older client first; Enter merges the second into the first."""

    AUTO_FOCUS = "#bo-pairs"
    BINDINGS = [Binding("escape", "back", t("key.back"), key_display=t("keycap.escape"))]

    def __init__(self) -> None:
        super().__init__(id="bo-duplicates-screen")
        self.pairs: list[bo.Duplicate] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bo-header"):
            yield Label(t("bo.duplicates.title"), classes="bo-title")
            yield Static("", id="bo-pairs-info", classes="bo-info")
        yield PairsTable(id="bo-pairs", classes="box", cursor_type="row", cell_padding=0)
        yield Static(t("bo.duplicates.hint"), classes="hint bo-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#bo-pairs", PairsTable)
        table.border_title = t("bo.duplicates.list")
        for key, text_key, width, right in PAIR_COLUMNS:
            table.add_column(cell(t(text_key), width, right), key=key, width=width)
        self.reload()

    def say(self, message: str) -> None:
        self.query_one("#bo-pairs").border_subtitle = literal(message)

    def reload(self) -> None:
        self.pairs = bo.duplicates()
        table = self.query_one("#bo-pairs", PairsTable)
        table.clear()
        for pair in self.pairs:
            why = ", ".join(t(f"bo.why.{reason}") for reason in pair.reasons)
            cells = {"first": client_text(pair.first), "second": client_text(pair.second), "why": why}
            table.add_row(*[cell(cells[k], w, r) for k, _, w, r in PAIR_COLUMNS])
        self.query_one("#bo-pairs-info", Static).update(t("bo.duplicates.count", count=len(self.pairs)))
        table.border_subtitle = "" if self.pairs else t("bo.duplicates.none")

    def current_pair(self) -> bo.Duplicate | None:
        row = self.query_one("#bo-pairs", PairsTable).cursor_row
        if not self.pairs or row is None or not 0 <= row < len(self.pairs):
            return None
        return self.pairs[row]

    def action_back(self) -> None:
        self.dismiss(None)

    def action_merge(self) -> None:
        pair = self.current_pair()
        if pair is None:
            return
        keep, gone = pair.first, pair.second

        def answered(yes: bool | None) -> None:
            if yes:
                self.change(lambda ctx, ok: bo.merge_clients(ctx, ok, keep.id, gone.id), self.merged)

        question = t("bo.merge.question", gone=client_text(gone), keep=client_text(keep))
        self.app.push_screen(ConfirmDialog(t("bo.merge.title"), question), callback=answered)

    def merged(self, kept: bo.ClientEntry) -> None:
        self.reload()
        self.say(t("bo.merge.done", name=kept.name, sales=kept.sales))

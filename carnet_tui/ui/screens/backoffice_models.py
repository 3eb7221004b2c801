"""Modèles de carnets: every model (inactive ones too) and, below, the chosen model's tariffs. 80×24:
header 1, models 10 (7 rows), tariffs 11 (8 rows), key bar 2.

F3 makes a model (or, in the tariffs, a tariff of the chosen model), Enter edits the row, F8 turns
it active or inactive, Suppr deletes a model never sold, F6/F7 import or export the catalog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from carnet_tui.domain.context import Approval, Context
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import format_dh
from carnet_tui.services import backoffice as bo
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.literal import literal
from carnet_tui.ui.screens.backoffice_forms import (
    APPROVAL,
    FileDialog,
    ModelDialog,
    TariffDialog,
    cell,
    day_text,
    yes_no,
)
from carnet_tui.ui.screens.dialogs import ConfirmDialog, InfoDialog
from carnet_tui.ui.widgets import KeyBar, KeyTable

# (key, text key, width, right-aligned): 78 columns inside the frame
MODEL_COLUMNS = (
    ("name", "bo.col.name", 36, False),
    ("billets", "bo.col.billets", 9, True),
    ("validity", "bo.col.validity", 11, True),
    ("tariffs", "bo.col.tariffs", 8, True),
    ("active", "bo.col.active", 7, False),
    ("sold", "bo.col.sold", 7, False),
)
TARIFF_COLUMNS = (
    ("label", "bo.col.label", 24, False),
    ("price", "bo.col.price", 16, True),
    ("types", "bo.col.types", 7, False),
    ("active", "bo.col.active", 7, False),
    ("from", "bo.col.from", 12, False),
    ("to", "bo.col.to", 12, False),
)
EDIT = Binding("enter", "screen.edit", t("bo.key.edit"), key_display=t("keycap.enter"))


class ModelsTable(KeyTable):
    BINDINGS = [EDIT]


class TariffsTable(KeyTable):
    BINDINGS = [EDIT]


def acting(screen: Screen[Any]) -> Context:
    ctx = getattr(screen.app, "context", None)
    if ctx is None:
        raise DomainError("err.user.not_allowed")
    return ctx


class BackOfficeScreen(Screen[None]):
    """What both back-office screens share: who acts, a message line, the approval then a write."""

    def ctx(self) -> Context:
        return acting(self)

    def say(self, message: str) -> None:
        raise NotImplementedError

    def change(self, fn: Any, done: Any) -> None:
        """Ask a responsable's yes, then ``fn(ctx, approval)`` off the UI thread, then ``done()``."""
        def approved(approval: Approval) -> None:
            async def run() -> None:
                await offthread.run(self, lambda: fn(self.ctx(), approval), done=done,
                                    refused=lambda refusal: self.say(refusal.message))
            self.call_later(run)

        self.app.ask_approval(APPROVAL, approved)  # type: ignore[attr-defined]

    def file_done(self, result: object) -> None:
        if isinstance(result, offthread.Refusal):  # an import refused: every bad row, then nothing
            self.app.push_screen(InfoDialog(t("bo.import.refused"), result.message))
        elif isinstance(result, bo.Imported):
            self.say(t("bo.import.done", models=result.models, tariffs=result.tariffs,
                       clients=result.clients))
            self.reload()
        elif isinstance(result, int):
            self.say(t("bo.export.done", rows=result))

    def reload(self) -> None:
        raise NotImplementedError

    def ask_import(self) -> None:
        self.app.push_screen(FileDialog(
            t("bo.import.title"), lambda approval, path: bo.import_files(self.ctx(), approval, [path]),
            approve=True, hint=t("bo.import.hint")), callback=self.file_done)

    def ask_export(self, title: str, export: Any, name: str) -> None:
        folder = getattr(getattr(self.app, "settings", None), "data_dir", None) or Path.cwd()
        self.app.push_screen(FileDialog(
            title, lambda _approval, path: export(self.ctx(), path), approve=False,
            hint=t("bo.export.hint"), default=str(Path(folder) / name)), callback=self.file_done)


class ModelsScreen(BackOfficeScreen):
    AUTO_FOCUS = "#bo-models"
    BINDINGS = [
        Binding("escape", "back", t("key.back"), key_display=t("keycap.escape")),
        Binding("f3", "new", t("bo.key.new"), key_display="F3"),
        Binding("f8", "toggle", t("bo.key.toggle"), key_display="F8"),
        Binding("delete", "delete", t("bo.key.delete"), key_display=t("keycap.delete")),
        Binding("f6", "import", t("bo.key.import"), key_display="F6"),
        Binding("f7", "export", t("bo.key.export"), key_display="F7"),
    ]

    def __init__(self) -> None:
        super().__init__(id="bo-models-screen")
        self.models: list[bo.ModelEntry] = []
        self.tariffs: list[bo.TariffEntry] = []
        self.shown_model: int | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="bo-header"):
            yield Label(t("bo.models.title"), classes="bo-title")
            yield Static("", id="bo-models-info", classes="bo-info")
        yield ModelsTable(id="bo-models", classes="box", cursor_type="row", cell_padding=0)
        yield TariffsTable(id="bo-tariffs", classes="box", cursor_type="row", cell_padding=0)
        yield KeyBar()

    def on_mount(self) -> None:
        for selector, columns, title in (("#bo-models", MODEL_COLUMNS, "bo.models.list"),
                                         ("#bo-tariffs", TARIFF_COLUMNS, "bo.tariffs.list")):
            table = self.query_one(selector, KeyTable)
            table.border_title = t(title)
            for key, text_key, width, right in columns:
                table.add_column(cell(t(text_key), width, right), key=key, width=width)
        self.reload()

    # ----------------------------------------------------------------- lists
    def say(self, message: str) -> None:
        self.query_one("#bo-tariffs").border_subtitle = literal(message)

    def reload(self, keep_model: int | None = None, keep_tariff: int | None = None) -> None:
        current = self.current_model()
        keep_model = keep_model or (current.id if current else None)
        self.models = bo.list_models()
        table = self.query_one("#bo-models", ModelsTable)
        table.clear()
        for model in self.models:
            cells = {"name": model.name, "billets": str(model.billets_count),
                     "validity": t("bo.days", days=model.validity_days), "tariffs": str(model.tariffs),
                     "active": yes_no(model.active), "sold": yes_no(model.sold)}
            table.add_row(*[cell(cells[k], w, r) for k, _, w, r in MODEL_COLUMNS], key=str(model.id))
        ids = [m.id for m in self.models]
        if keep_model in ids:
            table.move_cursor(row=ids.index(keep_model))
        table.border_subtitle = "" if self.models else t("bo.models.none")
        self.query_one("#bo-models-info", Static).update(t("bo.models.count", count=len(self.models)))
        self.show_tariffs(self.current_model(), keep_tariff)

    def current_model(self) -> bo.ModelEntry | None:
        row = self.query_one("#bo-models", ModelsTable).cursor_row
        if not self.models or row is None or not 0 <= row < len(self.models):
            return None
        return self.models[row]

    def current_tariff(self) -> bo.TariffEntry | None:
        row = self.query_one("#bo-tariffs", TariffsTable).cursor_row
        if not self.tariffs or row is None or not 0 <= row < len(self.tariffs):
            return None
        return self.tariffs[row]

    def show_tariffs(self, model: bo.ModelEntry | None, keep: int | None = None) -> None:
        table = self.query_one("#bo-tariffs", TariffsTable)
        table.clear()
        self.shown_model = model.id if model else None
        self.tariffs = bo.list_tariffs(model.id) if model else []
        for tariff in self.tariffs:
            cells = {"label": tariff.label, "price": format_dh(tariff.price_cents),
                     "types": tariff.beneficiary_types or "AVP", "active": yes_no(tariff.active),
                     "from": day_text(tariff.valid_from), "to": day_text(tariff.valid_to)}
            table.add_row(*[cell(cells[k], w, r) for k, _, w, r in TARIFF_COLUMNS], key=str(tariff.id))
        ids = [x.id for x in self.tariffs]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        title = t("bo.tariffs.of", name=model.name) if model else t("bo.tariffs.list")
        table.border_title = literal(title, 60)

    @on(DataTable.RowHighlighted, "#bo-models")
    def model_highlighted(self) -> None:
        model = self.current_model()
        if (model.id if model else None) != self.shown_model:
            self.show_tariffs(model)

    # ----------------------------------------------------------------- keys
    def in_tariffs(self) -> bool:
        return self.focused is self.query_one("#bo-tariffs")

    def action_back(self) -> None:
        self.refresh_sale_window()
        self.app.pop_screen()

    def on_screen_suspend(self) -> None:
        self.refresh_sale_window()  # Alt+A from here: the window opens over this screen

    def refresh_sale_window(self) -> None:
        changed = getattr(self.app, "catalog_changed", None)
        if changed is not None:
            changed()

    def action_new(self) -> None:
        if self.in_tariffs():
            model = self.current_model()
            if model is None:
                self.say(t("bo.models.none"))
                return
            self.app.push_screen(TariffDialog(self.ctx, model),
                                 callback=lambda made: made and self.reload(model.id, made.id))
            return
        self.app.push_screen(ModelDialog(self.ctx), callback=lambda made: made and self.reload(made.id))

    def action_edit(self) -> None:
        model = self.current_model()
        if model is None:
            self.say(t("bo.models.none"))
            return
        if self.in_tariffs():
            tariff = self.current_tariff()
            if tariff is None:
                self.say(t("bo.tariffs.none"))
                return
            self.app.push_screen(TariffDialog(self.ctx, model, tariff),
                                 callback=lambda made: made and self.reload(model.id, made.id))
            return
        self.app.push_screen(ModelDialog(self.ctx, model),
                             callback=lambda made: made and self.reload(made.id))

    def action_toggle(self) -> None:
        model = self.current_model()
        if model is None:
            return
        if self.in_tariffs():
            tariff = self.current_tariff()
            if tariff is not None:
                self.change(lambda ctx, ok: bo.set_tariff_active(ctx, ok, tariff.id, not tariff.active),
                            lambda made: self.toggled(made.active, model.id, made.id))
            return
        self.change(lambda ctx, ok: bo.set_model_active(ctx, ok, model.id, not model.active),
                    lambda made: self.toggled(made.active, made.id))

    def toggled(self, active: bool, model_id: int, tariff_id: int | None = None) -> None:
        self.reload(model_id, tariff_id)
        self.say(t("bo.now_active" if active else "bo.now_inactive"))

    def action_delete(self) -> None:
        model = self.current_model()
        if model is None or self.in_tariffs():
            return
        if model.sold:
            self.say(t("err.bo.model.sold_delete"))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.change(lambda ctx, ok: bo.delete_model(ctx, ok, model.id), lambda _: self.reload())

        self.app.push_screen(ConfirmDialog(t("bo.delete.title"), t("bo.model.delete_q", name=model.name)),
                             callback=answered)

    def action_import(self) -> None:
        self.ask_import()

    def action_export(self) -> None:
        self.ask_export(t("bo.export.catalog"), bo.export_catalog, "catalogue.csv")

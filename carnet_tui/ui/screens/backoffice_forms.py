"""The back office's forms: a carnet model, a tariff, a client, a file to import or export.

Each form checks what was typed with the domain's own rules first (a bad value is said under its
field, no approval asked for nothing), then asks a responsable's yes (``app.ask_approval``, a
responsable signed in approves their own change), then writes off the UI thread; a refusal from the
store (a name taken) comes back under its field. Escape leaves with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Static

from carnet_tui.domain.clients import ClientInput, check_client
from carnet_tui.domain.context import Approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import format_amount
from carnet_tui.domain.rules import BENEFICIARY_TYPES, format_date
from carnet_tui.domain.text import cell_width, fit_cells
from carnet_tui.services import backoffice as bo
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.literal import literal, literal_cell
from carnet_tui.ui.screens.dialogs import CANCEL, VALIDATE, Dialog
from carnet_tui.ui.widgets import ChoiceBar, QuietInput

APPROVAL = bo.APPROVAL_ACTION


def cell(text: str, width: int, right: bool = False) -> Text:
    """A table cell cut to its column with one space before the next (a cut ends with a dot)."""
    room = width - 1
    text = fit_cells(text, room)
    return literal_cell(" " * (room - cell_width(text)) + text + " " if right else text)


def yes_no(flag: bool) -> str:
    return t("key.yes") if flag else t("key.no")


def day_text(day: object) -> str:
    return format_date(day) if day is not None else ""  # type: ignore[arg-type]


def active_bar(active: bool, widget_id: str) -> ChoiceBar:
    return ChoiceBar([("yes", t("key.yes")), ("no", t("key.no"))],
                     letters={"o": "yes", "y": "yes", "n": "no"}, value="yes" if active else "no",
                     id=widget_id)


class FormDialog(Dialog):
    """Fields in rows, each with its error line; Enter checks, asks approval, writes."""

    BINDINGS = [CANCEL, VALIDATE]
    TITLE_KEY = ""
    FIELDS: dict[str, str] = {}  # a refusal's field → the widget shown in error

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def field_row(self, label_key: str, widget: Any, error_id: str) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(t(label_key), classes="field-label")
            yield widget
        yield Static("", id=error_id, classes="error")

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", QuietInput).value

    def flag(self, widget_id: str) -> bool:
        return self.query_one(f"#{widget_id}", ChoiceBar).value == "yes"

    # what each form says
    def data(self) -> Any:
        raise NotImplementedError

    def check(self, data: Any) -> None:
        """The domain's checks, without the store."""

    def save(self, approval: Approval, data: Any) -> Any:
        raise NotImplementedError

    def refused(self, refusal: offthread.Refusal) -> None:
        widget = self.FIELDS.get(refusal.field or "", next(iter(self.FIELDS.values())))
        self.show_error(f"{widget}-error", refusal.message)
        self.set_focus(self.query_one(f"#{widget}"))

    async def action_validate(self) -> None:
        if offthread.is_busy(self):
            return
        self.clear_errors()
        data = self.data()
        try:
            self.check(data)
        except DomainError as exc:
            self.refused(offthread.Refusal(exc.message, exc.key, exc.field))
            return

        def approved(approval: Approval) -> None:
            self.call_later(self.write, lambda: self.save(approval, data), self.dismiss_when_shown,
                            self.refused)

        self.app.ask_approval(APPROVAL, approved)  # type: ignore[attr-defined]


class ModelDialog(FormDialog):
    """A carnet model: name, billets per carnet, default validity, active."""

    FIRST_INPUT = AUTO_FOCUS = "#bo-model-name"
    FIELDS = {"name": "bo-model-name", "billets": "bo-model-billets", "validity": "bo-model-validity",
              "model": "bo-model-name"}

    def __init__(self, ctx_of: Callable[[], Any], model: bo.ModelEntry | None = None) -> None:
        super().__init__(t("bo.model.edit", name=model.name) if model else t("bo.model.new"))
        self.ctx_of = ctx_of
        self.model = model

    def compose(self) -> ComposeResult:
        model = self.model
        with Vertical(id="bo-model-dialog", classes="dialog"):
            yield Label(literal(self.title_text, 66), classes="dialog-title")
            yield from self.field_row("bo.field.name", QuietInput(
                model.name if model else "", id="bo-model-name", compact=True, max_length=bo.NAME_MAX),
                "bo-model-name-error")
            yield from self.field_row("bo.field.billets", QuietInput(
                str(model.billets_count) if model else "", id="bo-model-billets", compact=True, max_length=4,
                classes="short"), "bo-model-billets-error")
            yield from self.field_row("bo.field.validity", QuietInput(
                str(model.validity_days) if model else "", id="bo-model-validity", compact=True, max_length=5,
                classes="short"), "bo-model-validity-error")
            active = active_bar(model.active if model else True, "bo-model-active")
            yield from self.field_row("bo.field.active", active, "bo-model-active-error")
            hint = "bo.model.hint_sold" if model and model.sold else "bo.form.hint"
            yield Static(t(hint), classes="hint")

    def data(self) -> bo.ModelInput:
        return bo.ModelInput(self.value("bo-model-name"), self.value("bo-model-billets"),
                             self.value("bo-model-validity"), self.flag("bo-model-active"))

    def check(self, data: bo.ModelInput) -> None:
        bo.check_model(data)

    def save(self, approval: Approval, data: bo.ModelInput) -> bo.ModelEntry:
        if self.model is None:
            return bo.create_model(self.ctx_of(), approval, data)
        return bo.edit_model(self.ctx_of(), approval, self.model.id, data)


class TariffDialog(FormDialog):
    """A tariff of a model: label, price (French way), types, active, optional period."""

    FIRST_INPUT = AUTO_FOCUS = "#bo-tariff-label"
    FIELDS = {"label": "bo-tariff-label", "price": "bo-tariff-price", "amount": "bo-tariff-price",
              "types": "bo-tariff-types", "valid_from": "bo-tariff-from", "valid_to": "bo-tariff-to",
              "tariff": "bo-tariff-label", "model": "bo-tariff-label"}

    def __init__(self, ctx_of: Callable[[], Any], model: bo.ModelEntry,
                 tariff: bo.TariffEntry | None = None) -> None:
        title = t("bo.tariff.edit", label=tariff.label) if tariff else t("bo.tariff.new", name=model.name)
        super().__init__(title)
        self.ctx_of = ctx_of
        self.model = model
        self.tariff = tariff

    def compose(self) -> ComposeResult:
        tariff = self.tariff
        with Vertical(id="bo-tariff-dialog", classes="dialog"):
            yield Label(literal(self.title_text, 66), classes="dialog-title")
            yield from self.field_row("bo.field.label", QuietInput(
                tariff.label if tariff else "", id="bo-tariff-label", compact=True, max_length=bo.LABEL_MAX),
                "bo-tariff-label-error")
            yield from self.field_row("bo.field.price", QuietInput(
                format_amount(tariff.price_cents) if tariff else "", id="bo-tariff-price", compact=True,
                max_length=20, classes="amount"), "bo-tariff-price-error")
            yield from self.field_row("bo.field.types", QuietInput(
                (tariff.beneficiary_types or "AVP") if tariff else "AVP", id="bo-tariff-types", compact=True,
                max_length=8, classes="short"), "bo-tariff-types-error")
            yield from self.field_row("bo.field.from", QuietInput(
                day_text(tariff.valid_from) if tariff else "", id="bo-tariff-from", compact=True,
                max_length=10, placeholder=t("bo.field.day_placeholder"), classes="amount"),
                "bo-tariff-from-error")
            yield from self.field_row("bo.field.to", QuietInput(
                day_text(tariff.valid_to) if tariff else "", id="bo-tariff-to", compact=True, max_length=10,
                placeholder=t("bo.field.day_placeholder"), classes="amount"), "bo-tariff-to-error")
            active = active_bar(tariff.active if tariff else True, "bo-tariff-active")
            yield from self.field_row("bo.field.active", active, "bo-tariff-active-error")
            yield Static(t("bo.tariff.hint"), classes="hint")

    def data(self) -> bo.TariffInput:
        return bo.TariffInput(self.value("bo-tariff-label"), self.value("bo-tariff-price"),
                              self.value("bo-tariff-types"), self.flag("bo-tariff-active"),
                              self.value("bo-tariff-from"), self.value("bo-tariff-to"))

    def check(self, data: bo.TariffInput) -> None:
        bo.check_tariff(data)

    def save(self, approval: Approval, data: bo.TariffInput) -> bo.TariffEntry:
        if self.tariff is None:
            return bo.create_tariff(self.ctx_of(), approval, self.model.id, data)
        return bo.edit_tariff(self.ctx_of(), approval, self.tariff.id, data)


class ClientDialog(FormDialog):
    """A client: name, phone, member number, beneficiary type, active."""

    FIRST_INPUT = AUTO_FOCUS = "#bo-client-name"
    FIELDS = {"name": "bo-client-name", "phone": "bo-client-phone", "member": "bo-client-member",
              "beneficiary": "bo-client-type", "note": "bo-client-name", "client": "bo-client-name"}

    def __init__(self, ctx_of: Callable[[], Any], client: bo.ClientEntry | None = None) -> None:
        super().__init__(t("bo.client.edit", name=client.name) if client else t("bo.client.new"))
        self.ctx_of = ctx_of
        self.client = client

    def compose(self) -> ComposeResult:
        client = self.client
        with Vertical(id="bo-client-dialog", classes="dialog"):
            yield Label(literal(self.title_text, 66), classes="dialog-title")
            for field, key, max_length, value in (
                ("name", "client.name", 120, client.name if client else ""),
                ("phone", "client.phone", 20, client.phone if client else ""),
                ("member", "client.member", 30, client.member_number if client else ""),
            ):
                yield from self.field_row(key, QuietInput(value, id=f"bo-client-{field}", compact=True,
                                                          max_length=max_length), f"bo-client-{field}-error")
            kinds = ChoiceBar([(k, t(f"beneficiary.{k}")) for k in BENEFICIARY_TYPES],
                              letters={k: k for k in BENEFICIARY_TYPES},
                              value=client.beneficiary_type if client else "A", id="bo-client-type")
            yield from self.field_row("client.type", kinds, "bo-client-type-error")
            active = active_bar(client.active if client else True, "bo-client-active")
            yield from self.field_row("bo.field.active", active, "bo-client-active-error")
            yield Static(t("bo.form.hint"), classes="hint")

    def data(self) -> tuple[ClientInput, bool]:
        return (ClientInput(self.value("bo-client-name"), self.query_one("#bo-client-type", ChoiceBar).value,
                            self.value("bo-client-phone"), self.value("bo-client-member")),
                self.flag("bo-client-active"))

    def check(self, data: tuple[ClientInput, bool]) -> None:
        check_client(data[0])

    def save(self, approval: Approval, data: tuple[ClientInput, bool]) -> bo.ClientEntry:
        client, active = data
        if self.client is None:
            made = bo.create_client(self.ctx_of(), approval, client)
            return made if active else bo.set_client_active(self.ctx_of(), approval, made.id, False)
        return bo.edit_client(self.ctx_of(), approval, self.client.id, client, active)


class FileDialog(FormDialog):
    """A file's path, for an import (approval asked) or an export (none: nothing changes)."""

    FIRST_INPUT = AUTO_FOCUS = "#bo-file"
    FIELDS = {"file": "bo-file"}

    def __init__(self, title: str, run: Callable[[Approval | None, str], Any], approve: bool,
                 hint: str, default: str = "") -> None:
        super().__init__(title)
        self.run = run
        self.approve = approve
        self.hint = hint
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="bo-file-dialog", classes="dialog"):
            yield Label(literal(self.title_text, 66), classes="dialog-title")
            yield from self.field_row("bo.field.file", QuietInput(self.default, id="bo-file", compact=True,
                                                                  max_length=400), "bo-file-error")
            yield Static(literal(self.hint), classes="hint")

    def data(self) -> str:
        return self.value("bo-file").strip()

    def check(self, data: str) -> None:
        if not data:
            raise DomainError("bo.file.required", field="file")

    def refused(self, refusal: offthread.Refusal) -> None:
        if refusal.key == "err.import.rejected":  # the bad rows, one a line: the whole report
            self.dismiss_when_shown(refusal)
            return
        super().refused(refusal)

    async def action_validate(self) -> None:
        if self.approve:
            await super().action_validate()
            return
        if offthread.is_busy(self):
            return
        self.clear_errors()
        path = self.data()
        try:
            self.check(path)
        except DomainError as exc:
            self.refused(offthread.Refusal(exc.message, exc.key, exc.field))
            return
        await self.write(lambda: self.run(None, path), self.dismiss_when_shown, self.refused)

    def save(self, approval: Approval, data: str) -> Any:
        return self.run(approval, data)


"""The manager's back office (issue 13): carnet models, their tariffs and the clients, corrected
without leaving the app.

Every change takes the actor's ``Context`` and a responsable's ``Approval`` for ``catalog``, checks
every value before writing (a bad one is a ``DomainError`` naming its field, nothing written) and
appends a ``CATALOG_CHANGED`` journal row with the row's before and after in the same transaction.
What was sold never moves: a sold model keeps its billets count and is never deleted, a paid line
keeps its own copy of the model's name, the tariff's label and its unit price, a client with sales
is never deleted (a duplicate is merged, its sales following, then made inactive).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from peewee import IntegrityError

from carnet_tui.domain.clients import ClientInput, check_client, fold
from carnet_tui.domain.context import Context, Permission, check_approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import format_amount, parse_amount
from carnet_tui.domain.rules import BENEFICIARY_TYPES, check_id, check_validity_days
from carnet_tui.domain.text import clean_text
from carnet_tui.services import importing, journal
from carnet_tui.services.journal import Event
from carnet_tui.store import db as store
from carnet_tui.store import dialect
from carnet_tui.store.models import CarnetModel, Client, Invoice, SaleLine, Tariff, database

APPROVAL_ACTION = "catalog"
BILLETS_MIN, BILLETS_MAX = importing.BILLETS_MIN, importing.BILLETS_MAX  # 1–999, as an import
NAME_MAX = importing.MODEL_NAME_MAX
LABEL_MAX = importing.TARIFF_LABEL_MAX
PRICE_MAX_CENTS = 100_000_000  # 1 000 000,00 DH: a carnet above that is a typing slip
T = TypeVar("T")


# ------------------------------------------------------------------------------------- views

@dataclass(frozen=True)
class ModelInput:
    """A model as typed: numbers may still be text, checked by ``check_model``."""

    name: str
    billets_count: object
    validity_days: object
    active: bool = True


@dataclass(frozen=True)
class ModelEntry:
    id: int
    name: str
    billets_count: int
    validity_days: int
    active: bool
    sold: bool  # at least one line was paid with it: its billets count is fixed for good
    tariffs: int


@dataclass(frozen=True)
class TariffInput:
    """A tariff as typed: the price the French way (``3 000,00``), types such as ``"AP"``, the
    period's days as ``JJ/MM/AAAA`` (or empty: no bound)."""

    label: str
    price: object
    beneficiary_types: str
    active: bool = True
    valid_from: object = ""
    valid_to: object = ""


@dataclass(frozen=True)
class TariffEntry:
    id: int
    model_id: int
    label: str
    price_cents: int
    beneficiary_types: str
    active: bool
    valid_from: date | None
    valid_to: date | None
    sold: bool


@dataclass(frozen=True)
class ClientEntry:
    id: int
    name: str
    phone: str
    member_number: str
    beneficiary_type: str
    active: bool
    sales: int  # sale lines bought for this client


@dataclass(frozen=True)
class Duplicate:
    """Two clients that look like one person, and why (``phone``, ``member``, ``name``)."""

    first: ClientEntry
    second: ClientEntry
    reasons: tuple[str, ...]


# ------------------------------------------------------------------------------------- checks

def _whole(value: object, low: int, high: int, key: str, field: str) -> int:
    if isinstance(value, bool):
        raise DomainError(key, field=field, min=low, max=high)
    text = str(value).strip()
    if isinstance(value, int):
        number = value
    elif text.isascii() and text.isdigit() and len(text) <= 6:
        number = int(text)
    else:
        raise DomainError(key, field=field, min=low, max=high)
    if not low <= number <= high:
        raise DomainError(key, field=field, min=low, max=high)
    return number


def check_billets(value: object) -> int:
    return _whole(value, BILLETS_MIN, BILLETS_MAX, "err.bo.billets", "billets")


def check_model(data: ModelInput) -> ModelInput:
    name = clean_text(data.name)
    if not name:
        raise DomainError("err.bo.model.name_required", field="name")
    if len(name) > NAME_MAX:
        raise DomainError("err.bo.too_long", field="name", max=NAME_MAX)
    billets = check_billets(data.billets_count)
    days = check_validity_days(data.validity_days)  # 1–3650, field "validity"
    return ModelInput(name, billets, days, bool(data.active))


def check_price(value: object) -> int:
    if isinstance(value, bool) or isinstance(value, int | float):
        raise DomainError("err.amount.invalid", field="price", text=str(value))
    try:
        cents = parse_amount(str(value))
    except DomainError as exc:
        raise DomainError(exc.key, field="price", **exc.params) from None
    if cents > PRICE_MAX_CENTS:
        raise DomainError("err.bo.price.too_large", field="price", max=format_amount(PRICE_MAX_CENTS))
    return cents


def check_types(value: object) -> str:
    """``"A,P"``, ``"pa"``, ``["A", "P"]`` → ``"AP"``; at least one of A, V, P."""
    raw = "".join(value) if isinstance(value, list | tuple) else str(value or "")
    letters = {ch for ch in raw.upper() if not ch.isspace() and ch not in ",;/+"}
    if not letters or not letters <= set(BENEFICIARY_TYPES):
        raise DomainError("err.bo.types", field="types")
    return "".join(kind for kind in BENEFICIARY_TYPES if kind in letters)


def parse_day(value: object, field: str) -> date | None:
    """``31/12/2026`` (or ``2026-12-31``, or a date) → the day; empty → None."""
    if value is None or isinstance(value, date):
        return value
    text = clean_text(value)
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise DomainError("err.bo.date", field=field, text=text[:20])


def check_tariff(data: TariffInput) -> TariffInput:
    label = clean_text(data.label)
    if not label:
        raise DomainError("err.bo.tariff.label_required", field="label")
    if len(label) > LABEL_MAX:
        raise DomainError("err.bo.too_long", field="label", max=LABEL_MAX)
    price = check_price(data.price)
    types = check_types(data.beneficiary_types)
    first = parse_day(data.valid_from, "valid_from")
    last = parse_day(data.valid_to, "valid_to")
    if first is not None and last is not None and first > last:
        raise DomainError("err.bo.period", field="valid_to")
    return TariffInput(label, price, types, bool(data.active), first, last)


def _checked(ctx: Context, approval: object) -> None:
    ctx.require(Permission.BACK_OFFICE)
    check_approval(ctx, approval, APPROVAL_ACTION)


def _record(ctx: Context, approval: object, entity: str, row_id: int, before: Mapping[str, object] | None,
            after: Mapping[str, object] | None, **extra: object) -> None:
    data: dict[str, object] = {"entity": entity, "id": row_id, "before": before, "after": after}
    data.update(extra)
    journal.record(ctx, Event.CATALOG_CHANGED, data, approval)  # type: ignore[arg-type]


def _write(fn: Callable[[], T]) -> T:
    return store.write(fn)


# ------------------------------------------------------------------------------------- models

def _model_sold(model_id: int) -> bool:
    return SaleLine.select().where(SaleLine.model == model_id).exists()


def _model_fields(row: CarnetModel) -> dict[str, object]:
    return {"name": row.name, "billets_count": row.billets_count, "validity_days": row.validity_days,
            "active": bool(row.active)}


def _model_entry(row: CarnetModel, sold: bool | None = None, tariffs: int | None = None) -> ModelEntry:
    return ModelEntry(row.id, clean_text(row.name), row.billets_count, row.validity_days, bool(row.active),
                      _model_sold(row.id) if sold is None else sold,
                      row.tariffs.count() if tariffs is None else tariffs)


def list_models() -> list[ModelEntry]:
    """Every model, the inactive ones too, in the order of the sale window."""
    sold = {m for (m,) in SaleLine.select(SaleLine.model).distinct().tuples()}
    counts: dict[int, int] = {}
    for (model_id,) in Tariff.select(Tariff.model).tuples():
        counts[model_id] = counts.get(model_id, 0) + 1
    rows = CarnetModel.select().order_by(CarnetModel.position, CarnetModel.name)
    return [_model_entry(r, r.id in sold, counts.get(r.id, 0)) for r in rows]


def get_model(model_id: int) -> ModelEntry:
    return _model_entry(_model_row(model_id))


def _model_row(model_id: int) -> CarnetModel:
    model_id = check_id(model_id, "err.model.not_found", "model")
    row = CarnetModel.get_or_none(CarnetModel.id == model_id)
    if row is None:
        raise DomainError("err.model.not_found", field="model")
    return row


def _name_free(name: str, other_than: int | None = None) -> None:
    for row_id, existing in CarnetModel.select(CarnetModel.id, CarnetModel.name).tuples():
        if row_id != other_than and existing.casefold() == name.casefold():
            raise DomainError("err.bo.model.name_taken", field="name", name=name)


def create_model(ctx: Context, approval: object, data: ModelInput) -> ModelEntry:
    _checked(ctx, approval)
    checked = check_model(data)

    def transaction() -> ModelEntry:
        _name_free(checked.name)
        position = (CarnetModel.select().count() + 1) * 10  # after the models there: last in the list
        row = CarnetModel.create(name=checked.name, billets_count=checked.billets_count,
                                 validity_days=checked.validity_days, active=checked.active,
                                 position=position)
        _record(ctx, approval, "model", row.id, None, _model_fields(row))
        return _model_entry(row, False, 0)

    return _write(transaction)


def edit_model(ctx: Context, approval: object, model_id: int, data: ModelInput) -> ModelEntry:
    """Name, validity and active may change; the billets count only while nothing was sold."""
    _checked(ctx, approval)
    checked = check_model(data)

    def transaction() -> ModelEntry:
        row = _model_row(model_id)
        before = _model_fields(row)
        if checked.billets_count != row.billets_count and _model_sold(row.id):
            raise DomainError("err.bo.model.sold_billets", field="billets", count=row.billets_count)
        _name_free(checked.name, row.id)
        row.name, row.billets_count = checked.name, checked.billets_count
        row.validity_days, row.active = checked.validity_days, checked.active
        row.save()
        _record(ctx, approval, "model", row.id, before, _model_fields(row))
        return _model_entry(row)

    return _write(transaction)


def set_model_active(ctx: Context, approval: object, model_id: int, active: bool) -> ModelEntry:
    """Deactivating hides the model from the sale window only: its sales stay in the history."""
    _checked(ctx, approval)
    row = _model_row(model_id)
    return edit_model(ctx, approval, row.id, ModelInput(row.name, row.billets_count, row.validity_days,
                                                         bool(active)))


def delete_model(ctx: Context, approval: object, model_id: int) -> None:
    """A model never sold (a typing slip) goes with its tariffs; a sold one is refused."""
    _checked(ctx, approval)

    def transaction() -> None:
        row = _model_row(model_id)
        if _model_sold(row.id):
            raise DomainError("err.bo.model.sold_delete", field="model")
        before = _model_fields(row)
        tariffs = [_tariff_fields(t) for t in row.tariffs]
        Tariff.delete().where(Tariff.model == row.id).execute()
        row.delete_instance()
        _record(ctx, approval, "model", model_id, before, None, tariffs=tariffs)

    _write(transaction)


# ------------------------------------------------------------------------------------- tariffs

def _tariff_fields(row: Tariff) -> dict[str, object]:
    return {"model": row.model_id, "label": row.label, "price": row.price_cents,
            "types": row.beneficiary_types, "active": bool(row.active),
            "valid_from": _iso(row.valid_from), "valid_to": _iso(row.valid_to)}


def _iso(day: object) -> str | None:
    return day.isoformat() if isinstance(day, date) else (str(day) if day else None)


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _tariff_entry(row: Tariff, sold: bool | None = None) -> TariffEntry:
    if sold is None:
        sold = SaleLine.select().where(SaleLine.tariff == row.id).exists()
    return TariffEntry(row.id, row.model_id, clean_text(row.label), row.price_cents, row.beneficiary_types,
                       bool(row.active), _day(row.valid_from), _day(row.valid_to), sold)


def list_tariffs(model_id: int) -> list[TariffEntry]:
    model = _model_row(model_id)
    sold = {t for (t,) in SaleLine.select(SaleLine.tariff).where(SaleLine.model == model.id)
            .distinct().tuples()}
    rows = Tariff.select().where(Tariff.model == model.id).order_by(Tariff.price_cents.desc(), Tariff.id)
    return [_tariff_entry(r, r.id in sold) for r in rows]


def _tariff_row(tariff_id: int) -> Tariff:
    tariff_id = check_id(tariff_id, "err.tariff.not_found", "tariff")
    row = Tariff.get_or_none(Tariff.id == tariff_id)
    if row is None:
        raise DomainError("err.tariff.not_found", field="tariff")
    return row


def _label_free(model_id: int, label: str, other_than: int | None = None) -> None:
    rows = Tariff.select(Tariff.id, Tariff.label).where(Tariff.model == model_id).tuples()
    for row_id, existing in rows:
        if row_id != other_than and existing.casefold() == label.casefold():
            raise DomainError("err.bo.tariff.label_taken", field="label", label=label)


def create_tariff(ctx: Context, approval: object, model_id: int, data: TariffInput) -> TariffEntry:
    _checked(ctx, approval)
    checked = check_tariff(data)

    def transaction() -> TariffEntry:
        model = _model_row(model_id)
        _label_free(model.id, checked.label)
        row = Tariff.create(model=model, label=checked.label, price_cents=checked.price,
                            beneficiary_types=checked.beneficiary_types, active=checked.active,
                            valid_from=checked.valid_from, valid_to=checked.valid_to)
        _record(ctx, approval, "tariff", row.id, None, _tariff_fields(row))
        return _tariff_entry(row, False)

    return _write(transaction)


def edit_tariff(ctx: Context, approval: object, tariff_id: int, data: TariffInput) -> TariffEntry:
    """A new price applies to the lines paid from now on: a paid line holds its own unit price."""
    _checked(ctx, approval)
    checked = check_tariff(data)

    def transaction() -> TariffEntry:
        row = _tariff_row(tariff_id)
        before = _tariff_fields(row)
        _label_free(row.model_id, checked.label, row.id)
        row.label, row.price_cents = checked.label, checked.price
        row.beneficiary_types, row.active = checked.beneficiary_types, checked.active
        row.valid_from, row.valid_to = checked.valid_from, checked.valid_to
        row.save()
        _record(ctx, approval, "tariff", row.id, before, _tariff_fields(row))
        return _tariff_entry(row)

    return _write(transaction)


def set_tariff_active(ctx: Context, approval: object, tariff_id: int, active: bool) -> TariffEntry:
    row = _tariff_row(tariff_id)
    return edit_tariff(ctx, approval, row.id, TariffInput(
        row.label, format_amount(row.price_cents), row.beneficiary_types or "AVP", bool(active),
        _day(row.valid_from), _day(row.valid_to)))


# ------------------------------------------------------------------------------------- clients

def _client_fields(row: Client) -> dict[str, object]:
    return {"name": row.name, "phone": row.phone, "member_number": row.member_number or "",
            "beneficiary_type": row.beneficiary_type, "active": bool(row.active)}


def _client_sales(client_id: int) -> int:
    return SaleLine.select().where(SaleLine.client == client_id).count()


def _client_entry(row: Client, sales: int | None = None) -> ClientEntry:
    return ClientEntry(row.id, clean_text(row.name), clean_text(row.phone), clean_text(row.member_number),
                       row.beneficiary_type, bool(row.active),
                       _client_sales(row.id) if sales is None else sales)


def _client_row(client_id: int) -> Client:
    client_id = check_id(client_id, "err.client.not_found", "client")
    row = Client.get_or_none(Client.id == client_id)
    if row is None:
        raise DomainError("err.client.not_found", field="client")
    return row


def get_client(client_id: int) -> ClientEntry:
    return _client_entry(_client_row(client_id))


def search_clients(text: str, limit: int = 50) -> list[ClientEntry]:
    """As at the counter (every typed word starts a word of the name, phone or member number,
    accents ignored), the inactive clients too: the back office may set them active again."""
    from carnet_tui.domain.clients import search_tokens
    from carnet_tui.services.clients import SEARCH_MAX_CHARS

    if len(text) > SEARCH_MAX_CHARS:
        raise DomainError("err.search.too_long", field="search")
    text = clean_text(text)
    if search_tokens(text):
        found = dialect.current().search_clients(database.obj, text, None, limit, active_only=False)
        ids = [r[0] for r in found]
        rows = list(Client.select().where(Client.id.in_(ids))) if ids else []
    else:
        rows = list(Client.select().order_by(Client.name).limit(limit))
    counts = _sales_counts([r.id for r in rows])
    entries = [_client_entry(r, counts.get(r.id, 0)) for r in rows]
    return sorted(entries, key=lambda e: (e.name.casefold(), e.id))


def _sales_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    from peewee import fn

    query = (SaleLine.select(SaleLine.client, fn.COUNT(SaleLine.id)).where(SaleLine.client.in_(ids))
             .group_by(SaleLine.client).tuples())
    return dict(query)


def _member_free(member: str, other_than: int | None = None) -> None:
    if member:
        taken = Client.get_or_none((Client.member_number == member) & (Client.id != (other_than or 0)))
        if taken is not None:
            raise DomainError("err.client.member_taken", field="member", member=member)


def _reindex(row: Client) -> None:
    dialect.current().index_clients(database.obj, [(row.id, row.name, row.phone, row.member_number or "")])


def create_client(ctx: Context, approval: object, data: ClientInput) -> ClientEntry:
    _checked(ctx, approval)
    checked = check_client(data)

    def transaction() -> ClientEntry:
        from carnet_tui.services.clients import insert_client

        _member_free(checked.member_number)
        client_id = insert_client(checked)
        row = _client_row(client_id)
        _record(ctx, approval, "client", row.id, None, _client_fields(row))
        return _client_entry(row, 0)

    return _write(transaction)


def edit_client(ctx: Context, approval: object, client_id: int, data: ClientInput,
                active: bool | None = None) -> ClientEntry:
    """Name, phone, member number, type (and active). The lines already sold keep their type."""
    _checked(ctx, approval)
    checked = check_client(data)

    def transaction() -> ClientEntry:
        row = _client_row(client_id)
        before = _client_fields(row)
        _member_free(checked.member_number, row.id)
        row.name, row.phone = checked.name, checked.phone
        row.member_number = checked.member_number or None
        row.beneficiary_type = checked.beneficiary_type
        if active is not None:
            row.active = bool(active)
        try:
            with database.obj.atomic():  # a savepoint: a number taken meanwhile refuses cleanly
                row.save()
        except IntegrityError as exc:
            raise DomainError("err.client.member_taken", field="member",
                              member=checked.member_number) from exc
        _reindex(row)
        _record(ctx, approval, "client", row.id, before, _client_fields(row))
        return _client_entry(row)

    return _write(transaction)


def set_client_active(ctx: Context, approval: object, client_id: int, active: bool) -> ClientEntry:
    """An inactive client is offered nowhere at the counter; their sales stay theirs."""
    _checked(ctx, approval)

    def transaction() -> ClientEntry:
        row = _client_row(client_id)
        before = _client_fields(row)
        row.active = bool(active)
        row.save()
        _record(ctx, approval, "client", row.id, before, _client_fields(row))
        return _client_entry(row)

    return _write(transaction)


def delete_client(ctx: Context, approval: object, client_id: int) -> None:
    """Only a client nothing was sold to (a typing slip); one with sales is deactivated instead."""
    _checked(ctx, approval)

    def transaction() -> None:
        row = _client_row(client_id)
        has_invoice = Invoice.select().where(Invoice.client == row.id).exists()
        if _client_sales(row.id) or has_invoice:
            raise DomainError("err.bo.client.has_sales", field="client")
        before = _client_fields(row)
        if dialect.current().name == "sqlite":  # the FTS5 row has no foreign key to cascade from
            database.obj.execute_sql("DELETE FROM client_fts WHERE rowid = ?", (row.id,))
        row.delete_instance()
        _record(ctx, approval, "client", client_id, before, None)

    _write(transaction)


def _name_key(name: str) -> str:
    return " ".join(fold(clean_text(name)).split())


def duplicates(limit: int = 200) -> list[Duplicate]:
    """Active clients that look like one person: the same phone, the same member number, or
    names equal once accents, case and spacing are ignored. Each pair once, the older first."""
    groups: dict[tuple[str, str], list[int]] = {}
    rows = Client.select(Client.id, Client.name, Client.phone, Client.member_number).where(
        Client.active == True).order_by(Client.id).tuples()  # noqa: E712
    for client_id, name, phone, member in rows:
        keys = [("name", _name_key(name))]
        if phone:
            keys.append(("phone", phone))
        if member:
            keys.append(("member", fold(member)))
        for key in keys:
            if key[1]:
                groups.setdefault(key, []).append(client_id)
    reasons: dict[tuple[int, int], set[str]] = {}
    for (reason, _), ids in groups.items():
        for other in ids[1:]:
            reasons.setdefault((ids[0], other), set()).add(reason)
    pairs = sorted(reasons)[:limit]
    wanted = {i for pair in pairs for i in pair}
    by_id = {r.id: r for r in Client.select().where(Client.id.in_(list(wanted)))} if wanted else {}
    counts = _sales_counts(list(wanted))
    order = ("phone", "member", "name")
    return [Duplicate(_client_entry(by_id[a], counts.get(a, 0)), _client_entry(by_id[b], counts.get(b, 0)),
                      tuple(r for r in order if r in reasons[(a, b)])) for a, b in pairs]


def merge_clients(ctx: Context, approval: object, keep_id: int, merged_id: int) -> ClientEntry:
    """``merged_id``'s sale lines and invoices go to ``keep_id``; ``merged_id`` becomes inactive
    (kept: the journal and old receipts name it). Returns the kept client."""
    _checked(ctx, approval)

    def transaction() -> ClientEntry:
        keep, merged = _client_row(keep_id), _client_row(merged_id)
        if keep.id == merged.id:
            raise DomainError("err.bo.merge.same", field="client")
        if not keep.active or not merged.active:
            raise DomainError("err.bo.merge.inactive", field="client")
        before = _client_fields(merged)
        lines = [i for (i,) in SaleLine.select(SaleLine.id).where(SaleLine.client == merged.id).tuples()]
        invoices = [i for (i,) in Invoice.select(Invoice.id).where(Invoice.client == merged.id).tuples()]
        SaleLine.update(client=keep.id).where(SaleLine.client == merged.id).execute()
        Invoice.update(client=keep.id).where(Invoice.client == merged.id).execute()
        merged.active = False
        merged.save()
        _record(ctx, approval, "client", merged.id, before, _client_fields(merged), merged_into=keep.id,
                lines=lines, invoices=invoices)
        return _client_entry(keep)

    return _write(transaction)


# ------------------------------------------------------------------------------------- files

@dataclass(frozen=True)
class Imported:
    models: int
    tariffs: int
    clients: int


def import_files(ctx: Context, approval: object, paths: Iterable[str | Path]) -> Imported:
    """As ``carnet-tui import``: every row checked first, the bad ones all named
    (``importing.ImportRejected``), then all written in one transaction, journaled, or nothing."""
    _checked(ctx, approval)
    paths = [Path(p) for p in paths]
    batch = importing.read_files(paths)

    def transaction() -> Imported:
        result = importing.write_batch(batch)
        _record(ctx, approval, "import", 0, None,
                {"models": result.models, "tariffs": result.tariffs, "clients": result.clients},
                files=[p.name for p in paths])
        return Imported(result.models, result.tariffs, result.clients)

    return _write(transaction)


def export_catalog(ctx: Context, path: str | Path) -> int:
    """The catalog as a CSV that ``import`` reads back (one row a tariff); returns the rows written."""
    ctx.require(Permission.BACK_OFFICE)
    rows = []
    for model in CarnetModel.select().order_by(CarnetModel.position, CarnetModel.name):
        for tariff in Tariff.select().where(Tariff.model == model.id).order_by(Tariff.id):
            rows.append([model.name, model.billets_count, model.validity_days, tariff.label,
                         format_amount(tariff.price_cents), tariff.beneficiary_types,
                         "oui" if model.active else "non", model.position])
    _write_csv(path, importing.CATALOG_COLUMNS, rows)
    _write(lambda: journal.record(ctx, Event.EXPORT, {"what": "catalog", "file": Path(path).name,
                                                      "rows": len(rows)}))
    return len(rows)


def export_clients(ctx: Context, path: str | Path) -> int:
    """The active clients as a CSV that ``import`` reads back; returns the rows written."""
    ctx.require(Permission.BACK_OFFICE)
    rows = [[r.name, r.phone, r.member_number or "", r.beneficiary_type, r.note]
            for r in Client.select().where(Client.active == True).order_by(Client.id)]  # noqa: E712
    _write_csv(path, importing.CLIENT_COLUMNS, rows)
    _write(lambda: journal.record(ctx, Event.EXPORT, {"what": "clients", "file": Path(path).name,
                                                      "rows": len(rows)}))
    return len(rows)


def _write_csv(path: str | Path, header: Iterable[str], rows: list[list[object]]) -> None:
    target = Path(path)
    if not target.parent.is_dir():
        raise DomainError("err.bo.export.folder", field="file", path=str(target.parent))
    try:
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, delimiter=";")  # French spreadsheets: the comma is the decimal mark
            writer.writerow(list(header))
            writer.writerows(rows)
    except OSError as exc:
        raise DomainError("err.bo.export.failed", field="file", detail=str(exc)) from exc

"""Loading a venue's own catalog and clients from CSV or TOML files (format: docs/IMPORT.md).

Every row is checked with the domain rules before anything is written; then the whole
import (all files of one command) is written in one transaction. A refused import names
each bad row by file and line and leaves the store exactly as it was.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from peewee import chunked

from carnet_tui.domain.clients import ClientInput, check_client
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import parse_amount
from carnet_tui.domain.rules import BENEFICIARY_TYPES, check_validity_days
from carnet_tui.domain.text import clean_text
from carnet_tui.store import db as store
from carnet_tui.store import dialect
from carnet_tui.store.models import CarnetModel, Client, Tariff, database, now
from carnet_tui.texts import t

BILLETS_MIN, BILLETS_MAX = 1, 999
MODEL_NAME_MAX = 80
TARIFF_LABEL_MAX = 80
MAX_REPORTED = 50  # a file with thousands of bad rows: the first ones are enough to fix it

CLIENT_COLUMNS = ("name", "phone", "member_number", "beneficiary_type", "note")
CATALOG_COLUMNS = (
    "model", "billets_count", "validity_days", "tariff", "price", "beneficiary_types", "active", "position",
)
CATALOG_REQUIRED = ("model", "billets_count", "validity_days", "tariff", "price")
MODEL_KEYS = ("name", "billets_count", "validity_days", "active", "position", "tariff")
TARIFF_KEYS = ("label", "price", "beneficiary_types")


@dataclass(frozen=True)
class Where:
    """Where a row came from, to name it in an error."""

    file: str
    line: int | None
    section: str = "client"
    index: int = 0

    def text(self, message: str) -> str:
        if self.line is not None:
            return t("err.import.row", file=self.file, line=self.line, message=message)
        return t("err.import.entry", file=self.file, section=self.section, index=self.index, message=message)

    def short(self, other: Where) -> str:
        """``ligne 12`` (same file) or ``clients.csv, ligne 12`` for a row named in another error."""
        line = t("err.import.where_line", line=self.line) if self.line is not None else f"n° {self.index}"
        return line if self.file == other.file else f"{self.file}, {line}"


@dataclass(frozen=True)
class TariffRow:
    label: str
    price_cents: int
    beneficiary_types: str
    where: Where


@dataclass
class ModelRow:
    name: str
    billets_count: int
    validity_days: int
    where: Where
    active: bool = True
    position: int = 0
    tariffs: list[TariffRow] = field(default_factory=list)


@dataclass(frozen=True)
class ClientRow:
    data: ClientInput
    where: Where


@dataclass
class ImportBatch:
    models: list[ModelRow] = field(default_factory=list)
    clients: list[ClientRow] = field(default_factory=list)


@dataclass(frozen=True)
class ImportResult:
    models: int
    tariffs: int
    clients: int


class ImportRejected(DomainError):
    """The import was refused; ``errors`` lists every bad row found (each with file and line)."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        shown = errors[:MAX_REPORTED]
        if len(errors) > MAX_REPORTED:
            shown.append("…")
        super().__init__("err.import.rejected", details="\n".join(shown), count=len(errors))


class _Collector:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, where: Where, message: str) -> None:
        self.errors.append(where.text(message))


# ---------------------------------------------------------------- value checks (raise DomainError)


def _text(value: object, column: str, required: bool, max_len: int | None = None) -> str:
    text = clean_text(value)  # model names, tariff labels, client fields: controls out, one line
    if required and not text:
        raise DomainError("err.import.required", column=column)
    if max_len is not None and len(text) > max_len:
        raise DomainError("err.import.too_long", column=column, max=max_len)
    return text


def _billets(value: object) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isascii() or not text.isdigit() or len(text) > 4:
        raise DomainError("err.import.billets", min=BILLETS_MIN, max=BILLETS_MAX)
    count = int(text)
    if not BILLETS_MIN <= count <= BILLETS_MAX:
        raise DomainError("err.import.billets", min=BILLETS_MIN, max=BILLETS_MAX)
    return count


def _types(value: object) -> str:
    """``"AP"``, ``"A,P"``, ``["A", "P"]`` → ``"AP"``; empty → every type."""
    raw = "".join(value) if isinstance(value, list) else str(value or "")
    letters = re.sub(r"[\s,;/+]", "", raw).upper()
    if any(ch not in BENEFICIARY_TYPES for ch in letters) or len(set(letters)) != len(letters):
        raise DomainError("err.import.types", value=raw[:20])
    return "".join(kind for kind in BENEFICIARY_TYPES if kind in letters)


def _price(value: object) -> int:
    if isinstance(value, bool):
        raise DomainError("err.amount.invalid", field="amount", text=str(value))
    return parse_amount(str(value))


def _flag(value: object, column: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "1", "oui", "yes", "true", "o", "y"):
        return True
    if text in ("0", "non", "no", "false", "n"):
        return False
    raise DomainError("err.import.value", column=column, value=str(value)[:20])


def _position(value: object) -> int:
    text = str(value).strip()
    if not text:
        return 0
    if isinstance(value, bool) or not text.lstrip("-").isdigit() or len(text) > 6:
        raise DomainError("err.import.value", column="position", value=text[:20])
    return int(text)


def _client(raw: dict[str, object]) -> ClientInput:
    return check_client(
        ClientInput(
            name=_text(raw.get("name"), "name", required=True),
            beneficiary_type=_text(raw.get("beneficiary_type"), "beneficiary_type", required=True),
            phone=_text(raw.get("phone"), "phone", required=False),
            member_number=_text(raw.get("member_number"), "member_number", required=False),
            note=str(raw.get("note") or ""),
        )
    )


def _tariff(raw: dict[str, object], where: Where) -> TariffRow:
    return TariffRow(
        label=_text(raw.get("label"), "label", required=True, max_len=TARIFF_LABEL_MAX),
        price_cents=_price(raw.get("price", "")),
        beneficiary_types=_types(raw.get("beneficiary_types", "")),
        where=where,
    )


def _model(raw: dict[str, object], where: Where) -> ModelRow:
    return ModelRow(
        name=_text(raw.get("name"), "name", required=True, max_len=MODEL_NAME_MAX),
        billets_count=_billets(raw.get("billets_count", "")),
        validity_days=check_validity_days(raw.get("validity_days", "")),
        where=where,
        active=_flag(raw.get("active", True), "active"),
        position=_position(raw.get("position", 0)),
    )


# ---------------------------------------------------------------- file readers


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise DomainError("err.import.missing", file=str(path)) from exc
    except IsADirectoryError as exc:
        raise DomainError("err.import.missing", file=str(path)) from exc
    except OSError as exc:  # permission denied, I/O error
        raise DomainError("err.import.unreadable", file=str(path), detail=exc.strerror or str(exc)) from exc
    return _decode(data, path.name)


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without the BOM Excel writes) first; else Windows-1252, what French Excel
    saves as "CSV (séparateur : point-virgule)" (Latin-1 plus € and the typographic quotes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
    if any(byte >= 0x80 for byte in data[:start]):
        # UTF-8 accents before the bad byte: two encodings in one file; decoding it all as
        # Windows-1252 would import "Ã©" for "é" without a word
        line = data[:start].count(b"\n") + 1
        raise DomainError("err.import.mixed_encoding", file=name, line=line)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:  # one of the five bytes Windows-1252 leaves undefined
        raise DomainError("err.import.encoding", file=name) from exc


def _dialect_delimiter(header_line: str) -> str:
    # French spreadsheets export with ";" (the comma is the decimal mark)
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _csv_problem(exc: csv.Error) -> str:
    detail = str(exc)
    if "field larger than field limit" in detail:
        # in practice a quote never closed: the rest of the file became one field
        return t("err.import.field_too_long", kb=csv.field_size_limit() // 1024)
    if "NUL" in detail:
        return t("err.import.nul")
    return t("err.import.csv_syntax")


def _csv_rows(reader: Iterator[list[str]], line_num: Callable[[], int], name: str,
              errors: _Collector) -> Iterator[list[str]]:
    """The rows of ``reader``. A row that csv cannot read (a field over its 128 KB limit, a NUL
    byte) is named by file and line; the file ends there (the reader cannot go on past it)."""
    while True:
        start = line_num() + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.add(Where(name, start), _csv_problem(exc))
            return
        yield cells


def _read_csv(path: Path, text: str, errors: _Collector) -> ImportBatch:
    name = path.name
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect_delimiter(first_line))
    try:
        header = [col.strip().lower() for col in next(reader)]
    except StopIteration as exc:
        raise DomainError("err.import.empty", file=name) from exc
    except csv.Error as exc:
        errors.add(Where(name, 1), _csv_problem(exc))
        return ImportBatch()
    head = Where(name, 1)
    if "model" in header:
        kind, columns, required = "catalog", CATALOG_COLUMNS, CATALOG_REQUIRED
    elif "name" in header:
        kind, columns, required = "clients", CLIENT_COLUMNS, ("name", "beneficiary_type")
    else:
        raise DomainError("err.import.kind", file=name)
    unknown = [col for col in header if col not in columns]
    missing = [col for col in required if col not in header]
    for col in unknown:
        errors.add(head, t("err.import.unknown", column=col))
    for col in missing:
        errors.add(head, t("err.import.column", column=col))
    if unknown or missing:
        return ImportBatch()

    batch = ImportBatch()
    models: dict[str, ModelRow] = {}
    previous_end = reader.line_num
    for cells in _csv_rows(reader, lambda: reader.line_num, name, errors):
        line = previous_end + 1  # a quoted field may span lines: report where the row starts
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        where = Where(name, line)
        if len(cells) > len(header):
            errors.add(where, t("err.import.cells", found=len(cells), expected=len(header)))
            continue
        raw = dict(zip(header, cells, strict=False))
        try:
            if kind == "clients":
                batch.clients.append(ClientRow(_client(raw), where))
                continue
            model = _model({**raw, "name": raw.get("model")}, where)
            tariff = _tariff({**raw, "label": raw.get("tariff")}, where)
        except DomainError as exc:
            errors.add(where, exc.message)
            continue
        known = models.get(model.name.casefold())
        if known is None:
            models[model.name.casefold()] = model
            batch.models.append(model)
            known = model
        elif (known.billets_count, known.validity_days) != (model.billets_count, model.validity_days):
            errors.add(
                where, t("err.import.model_mismatch", name=model.name, where=known.where.short(where))
            )
            continue
        known.tariffs.append(tariff)
    return batch


_TOML_HEADERS = {
    "model": re.compile(r"^\s*\[\[\s*model\s*\]\]"),
    "tariff": re.compile(r"^\s*\[\[\s*model\s*\.\s*tariff\s*\]\]"),
    "client": re.compile(r"^\s*\[\[\s*client\s*\]\]"),
}
_SECTION_FR = {"model": "modèle", "tariff": "tarif", "client": "client"}


def _header_lines(text: str) -> dict[str, list[int]]:
    """Line of each ``[[model]]``, ``[[model.tariff]]``, ``[[client]]`` header, in order."""
    found: dict[str, list[int]] = {key: [] for key in _TOML_HEADERS}
    for number, line in enumerate(text.splitlines(), start=1):
        for key, pattern in _TOML_HEADERS.items():
            if pattern.match(line):
                found[key].append(number)
    return found


def _toml_where(name: str, section: str, index: int, lines: list[int], expected: int) -> Where:
    # tomllib gives no positions: the n-th header is the n-th entry, unless inline tables were used
    line = lines[index] if len(lines) == expected else None
    return Where(name, line, _SECTION_FR[section], index + 1)


def _check_keys(raw: object, allowed: Sequence[str], where: Where, errors: _Collector) -> bool:
    if not isinstance(raw, dict):
        errors.add(where, t("err.import.value", column=where.section, value=type(raw).__name__))
        return False
    unknown = [key for key in raw if key not in allowed]
    for key in unknown:
        errors.add(where, t("err.import.unknown", column=key))
    return not unknown


def _read_toml(path: Path, text: str, errors: _Collector) -> ImportBatch:
    name = path.name
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise DomainError("err.import.syntax", file=name, line=match.group(1) if match else "?") from exc
    for key in data:
        if key not in ("model", "client"):
            errors.add(Where(name, None, "fichier", 0), t("err.import.unknown", column=key))
    models_raw = data.get("model", [])
    clients_raw = data.get("client", [])
    if not isinstance(models_raw, list) or not isinstance(clients_raw, list):
        raise DomainError("err.import.format", file=name)
    if not models_raw and not clients_raw:
        raise DomainError("err.import.empty", file=name)
    lines = _header_lines(text)
    batch = ImportBatch()

    tariff_total = sum(
        len(m.get("tariff", [])) if isinstance(m, dict) and isinstance(m.get("tariff", []), list) else 0
        for m in models_raw
    )
    tariff_index = 0
    for index, raw in enumerate(models_raw):
        where = _toml_where(name, "model", index, lines["model"], len(models_raw))
        tariffs_raw = raw.get("tariff", []) if isinstance(raw, dict) else []
        if not isinstance(tariffs_raw, list):
            tariffs_raw = []
        model: ModelRow | None = None
        if _check_keys(raw, MODEL_KEYS, where, errors):
            try:
                model = _model(raw, where)
            except DomainError as exc:
                errors.add(where, exc.message)
        for tariff_raw in tariffs_raw:
            t_where = _toml_where(name, "tariff", tariff_index, lines["tariff"], tariff_total)
            tariff_index += 1
            if not _check_keys(tariff_raw, TARIFF_KEYS, t_where, errors):
                continue
            try:
                tariff = _tariff(tariff_raw, t_where)
            except DomainError as exc:
                errors.add(t_where, exc.message)
                continue
            if model is not None:
                model.tariffs.append(tariff)
        if model is not None:
            batch.models.append(model)

    for index, raw in enumerate(clients_raw):
        where = _toml_where(name, "client", index, lines["client"], len(clients_raw))
        if not _check_keys(raw, CLIENT_COLUMNS, where, errors):
            continue
        try:
            batch.clients.append(ClientRow(_client(raw), where))
        except DomainError as exc:
            errors.add(where, exc.message)
    return batch


def read_file(path: str | Path, errors: _Collector | None = None) -> ImportBatch:
    """Parse and check one file. Raises ``ImportRejected`` listing every bad row."""
    own = errors is None
    collector = errors or _Collector()
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".csv", ".toml"):
        raise DomainError("err.import.format", file=file.name)
    text = _read_text(file)
    if not text.strip():
        raise DomainError("err.import.empty", file=file.name)
    reader = _read_csv if suffix == ".csv" else _read_toml
    errors_before = len(collector.errors)
    batch = reader(file, text, collector)
    if not batch.models and not batch.clients and len(collector.errors) == errors_before:
        raise DomainError("err.import.empty", file=file.name)  # a header alone imports nothing
    if own:
        _check_batch(batch, collector)
        if collector.errors:
            raise ImportRejected(collector.errors)
    return batch


# ---------------------------------------------------------------- checks across rows and files


def _check_batch(batch: ImportBatch, errors: _Collector) -> None:
    # a CSV catalog already groups its rows by model name: a name seen twice here is a true duplicate
    models: dict[str, ModelRow] = {}
    for model in batch.models:
        first = models.get(model.name.casefold())
        if first is not None:
            where = first.where.short(model.where)
            errors.add(model.where, t("err.import.model_twice", name=model.name, where=where))
            continue
        models[model.name.casefold()] = model
        if not model.tariffs:
            errors.add(model.where, t("err.import.no_tariff", name=model.name))
        labels: set[str] = set()
        for tariff in model.tariffs:
            if tariff.label.casefold() in labels:
                errors.add(tariff.where, t("err.import.tariff_twice", label=tariff.label, name=model.name))
            labels.add(tariff.label.casefold())
    members: dict[str, ClientRow] = {}
    for row in batch.clients:
        member = row.data.member_number
        if not member:
            continue
        first_row = members.get(member)
        if first_row is not None:
            where = first_row.where.short(row.where)
            errors.add(row.where, t("err.import.member_twice", member=member, where=where))
        else:
            members[member] = row


def _check_store(batch: ImportBatch) -> None:
    """Inside the write transaction: what the file adds must not clash with the store."""
    errors = _Collector()
    existing = {name.casefold() for (name,) in CarnetModel.select(CarnetModel.name).tuples()}
    for model in batch.models:
        if model.name.casefold() in existing:
            errors.add(model.where, t("err.import.model_exists", name=model.name))
    by_member = {row.data.member_number: row for row in batch.clients if row.data.member_number}
    for chunk in chunked(list(by_member), 500):
        taken = Client.select(Client.member_number).where(Client.member_number.in_(chunk)).tuples()
        for (member,) in taken:
            errors.add(by_member[member].where, t("err.import.member_exists", member=member))
    if errors.errors:
        raise ImportRejected(errors.errors)


# ---------------------------------------------------------------- writing


def bulk_insert_clients(inputs: Sequence[ClientInput]) -> int:
    """Insert checked clients and their search rows inside the caller's transaction, fast."""
    db = database.obj
    store_dialect = dialect.of(db)
    created = now()
    rows = [(c.name, c.phone, c.member_number or None, c.beneficiary_type, c.note, created) for c in inputs]
    ids = store_dialect.insert_clients(db, rows)
    store_dialect.index_clients(
        db, [(cid, c.name, c.phone, c.member_number) for cid, c in zip(ids, inputs, strict=True)]
    )
    return len(inputs)


def write_batch(batch: ImportBatch) -> ImportResult:
    """Write a checked batch inside the caller's transaction."""
    _check_store(batch)
    tariffs = 0
    for model in batch.models:
        row = CarnetModel.create(
            name=model.name,
            billets_count=model.billets_count,
            validity_days=model.validity_days,
            active=model.active,
            position=model.position,
        )
        for tariff in model.tariffs:
            Tariff.create(
                model=row,
                label=tariff.label,
                price_cents=tariff.price_cents,
                beneficiary_types=tariff.beneficiary_types,
            )
            tariffs += 1
    clients = bulk_insert_clients([row.data for row in batch.clients])
    return ImportResult(models=len(batch.models), tariffs=tariffs, clients=clients)


def read_files(paths: Iterable[str | Path]) -> ImportBatch:
    """Parse and check several files as one import; every bad row of every file is reported."""
    errors = _Collector()
    merged = ImportBatch()
    for path in paths:
        batch = read_file(path, errors)
        merged.models.extend(batch.models)
        merged.clients.extend(batch.clients)
    _check_batch(merged, errors)
    if errors.errors:
        raise ImportRejected(errors.errors)
    return merged


def import_files(paths: Iterable[str | Path]) -> ImportResult:
    """Import the files all or nothing: one transaction, after every row has been checked."""
    batch = read_files(paths)
    return store.write(lambda: write_batch(batch))

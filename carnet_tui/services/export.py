"""A period's sales, lines, payments, voids, reprints, cash movements and Z reports as CSV files, for
the accountant and a tax inspection (docs/DAY.md, "Export").

The files open in a French Excel as they are: UTF-8 with a byte order mark, ``;`` between fields,
amounts in DH with a decimal comma and no thousands separator (``5500,00``, ``-20,00``), dates
``AAAA-MM-JJ`` and times ``AAAA-MM-JJ HH:MM:SS``. A text that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``) is written with a leading ``'``.

All or nothing: the files are written into a hidden folder beside the target, then renamed to it in
the same write as the journal's ``export`` row (who, which period, each file's rows and SHA-256); a
refusal or a failure leaves neither the folder nor the row.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.text import clean_text
from carnet_tui.services import journal
from carnet_tui.services.journal import Event
from carnet_tui.services.people import SYSTEM
from carnet_tui.store import db as store
from carnet_tui.store import dialect
from carnet_tui.store.models import TillSession, ZReport

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
T = TypeVar("T")


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    start: date
    end: date
    files: dict[str, int]  # file name → data rows (the header not counted)


@dataclass(frozen=True)
class Table:
    name: str
    header: Sequence[str]
    rows: list[list[str]]


# --- the period ---------------------------------------------------------------------------------------

def parse_day(text: object, option: str) -> date:
    value = str(text or "").strip()
    try:
        if not DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError("err.export.date", field=option, option=option,
                          value=clean_text(value)[:40] or "«»") from None


def check_period(start: object, end: object) -> tuple[date, date]:
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    if first > last:
        raise DomainError("err.export.order", field="--from", start=first.isoformat(),
                          end=last.isoformat())
    return first, last


def default_folder(start: date, end: date) -> Path:
    return Path(f"export_{start.isoformat()}_{end.isoformat()}")


# --- cells ------------------------------------------------------------------------------------------

def dh(cents: int | None) -> str:
    """``550000`` → ``5500,00``: a number French Excel reads as such."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole},{part:02d}"


def text(value: object) -> str:
    """A text from the store, harmless in a spreadsheet: one line, never a formula."""
    if value is None:
        return ""
    cleaned = str(value)
    if not cleaned.isprintable():  # cleaned where it entered; checked again, cheaply, on the way out
        cleaned = clean_text(cleaned)
    return "'" + cleaned if cleaned.startswith(FORMULA_START) else cleaned


def number_(value: object) -> str:
    return "" if value is None else str(value)


def when(value: object) -> str:
    """A date or time as ``AAAA-MM-JJ[ HH:MM:SS]`` (SQLite gives it back as that text already)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return text(value)


def yes_no(value: object) -> str:
    return "oui" if value else "non"


# --- the tables ---------------------------------------------------------------------------------------
# Plain SQL (portable: the same text on SQLite and PostgreSQL), rows as tuples: a year of a desk
# (100 000 sales) is read without building a model object a row.

def _days(start: date, end: date) -> tuple[str, str]:
    return start.isoformat(), end.isoformat()


def _span(start: date, end: date) -> tuple[str, str]:
    # a time column: from the first day's midnight to the midnight after the last day
    return f"{start.isoformat()} 00:00:00", f"{(end + timedelta(days=1)).isoformat()} 00:00:00"


def _sales(start: date, end: date) -> Table:
    found = dialect.rows(
        "SELECT s.number, s.sale_date, s.status, s.cashier, s.desk, s.opened_at, s.closed_at, "
        "s.finalized_at, (SELECT SUM(l.total_cents) FROM sale_line l WHERE l.sale_id = s.id "
        "AND l.voided = ?) FROM sale s WHERE s.sale_date BETWEEN ? AND ? ORDER BY s.number, s.id",
        (False, *_days(start, end)))
    rows = [[number_(r[0]), when(r[1]), text(r[2]), text(r[3]), text(r[4]), when(r[5]), when(r[6]),
             when(r[7]), dh(r[8] or 0)] for r in found]
    return Table("ventes.csv", ("vente", "date_vente", "statut", "caissier", "caisse", "ouverte_le",
                                "cloturee_le", "finalisee_le", "total_dh"), rows)


def _lines(start: date, end: date) -> Table:
    found = dialect.rows(
        "SELECT s.number, l.id, l.position, s.sale_date, c.name, c.member_number, l.beneficiary_type, "
        "l.model_name, l.tariff_label, l.unit_price_cents, l.quantity, l.total_cents, l.validity_days, "
        "l.valid_until, l.paid_at, l.voided FROM sale_line l JOIN sale s ON s.id = l.sale_id "
        "LEFT JOIN client c ON c.id = l.client_id WHERE s.sale_date BETWEEN ? AND ? "
        "ORDER BY s.number, l.position", _days(start, end))
    rows = [[number_(r[0]), number_(r[1]), number_(r[2]), when(r[3]), text(r[4]), text(r[5]), text(r[6]),
             text(r[7]), text(r[8]), dh(r[9]), number_(r[10]), dh(r[11]), number_(r[12]), when(r[13]),
             when(r[14]), yes_no(r[15])] for r in found]
    return Table("lignes.csv", ("vente", "ligne", "position", "date_vente", "client", "numero_adherent",
                                "type_beneficiaire", "modele", "tarif", "prix_unitaire_dh", "quantite",
                                "total_dh", "validite_jours", "valable_jusqu_au", "payee_le",
                                "annulee"), rows)


def _payments(start: date, end: date) -> Table:
    found = dialect.rows(
        "SELECT s.number, p.line_id, p.id, p.session_id, p.method, p.amount_cents, p.tendered_cents, "
        "p.change_cents, p.cheque_number, p.reference, p.paid_at FROM payment p "
        "JOIN sale_line l ON l.id = p.line_id JOIN sale s ON s.id = l.sale_id "
        "WHERE s.sale_date BETWEEN ? AND ? ORDER BY p.id", _days(start, end))
    rows = [[number_(r[0]), number_(r[1]), number_(r[2]), number_(r[3]), text(r[4]), dh(r[5]), dh(r[6]),
             dh(r[7]), text(r[8]), text(r[9]), when(r[10])] for r in found]
    return Table("paiements.csv", ("vente", "ligne", "paiement", "session", "mode", "montant_dh",
                                   "remis_dh", "rendu_dh", "cheque", "reference", "paye_le"), rows)


def _voids(start: date, end: date) -> Table:
    found = dialect.rows(
        "SELECT s.number, v.line_id, l.model_name, l.total_cents, v.reason, v.voided_by, v.approved_by, "
        "v.voided_at FROM void v JOIN sale_line l ON l.id = v.line_id JOIN sale s ON s.id = l.sale_id "
        "WHERE v.voided_at >= ? AND v.voided_at < ? ORDER BY v.voided_at, v.id", _span(start, end))
    rows = [[number_(r[0]), number_(r[1]), text(r[2]), dh(r[3]), text(r[4]), text(r[5]), text(r[6]),
             when(r[7])] for r in found]
    return Table("annulations.csv", ("vente", "ligne", "modele", "montant_dh", "motif", "annulee_par",
                                     "approuvee_par", "annulee_le"), rows)


def _reprints(start: date, end: date) -> Table:
    found = dialect.rows(
        "SELECT s.number, r.what, r.detail, r.reason, r.done_by, r.approved_by, r.done_at "
        "FROM reprint_log r JOIN sale s ON s.id = r.sale_id WHERE r.done_at >= ? AND r.done_at < ? "
        "ORDER BY r.done_at, r.id", _span(start, end))
    rows = [[number_(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4]), text(r[5]), when(r[6])]
            for r in found]
    return Table("reimpressions.csv", ("vente", "quoi", "detail", "motif", "par", "approuvee_par",
                                       "le"), rows)


def _movements(start: date, end: date) -> Table:
    found = dialect.rows(
        "SELECT t.desk, m.session_id, m.id, m.kind, m.amount_cents, m.reason, m.done_by, m.approved_by, "
        "m.done_at FROM cash_movement m JOIN till_session t ON t.id = m.session_id "
        "WHERE m.done_at >= ? AND m.done_at < ? ORDER BY m.done_at, m.id", _span(start, end))
    rows = [[text(r[0]), number_(r[1]), number_(r[2]), text(r[3]), dh(r[4]), text(r[5]), text(r[6]),
             text(r[7]), when(r[8])] for r in found]
    return Table("mouvements_caisse.csv", ("caisse", "session", "mouvement", "type", "montant_dh",
                                           "motif", "par", "approuve_par", "le"), rows)


def flatten(value: object, prefix: str = "") -> dict[str, str]:
    """A Z's figures as columns: nested keys joined by ``.``, list items by their index, each
    ``…_cents`` figure in DH as ``…_dh``."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten(item, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    elif prefix.endswith("_cents") and isinstance(value, int) and not isinstance(value, bool):
        out[prefix.removesuffix("_cents") + "_dh"] = dh(value)
    elif isinstance(value, bool):
        out[prefix] = yes_no(value)
    elif isinstance(value, int | float):
        out[prefix] = str(value).replace(".", ",")
    else:
        out[prefix] = text(value)
    return out


def _z_reports(start: date, end: date) -> Table:
    fixed = ("caisse", "numero", "cloture_le", "session", "ouverte_le", "ouverte_par", "cloturee_par",
             "fond_dh", "compte_dh", "tete_journal")
    first, after = datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())
    query = (ZReport.select(ZReport, TillSession).join(TillSession)
             .where((ZReport.created_at >= first) & (ZReport.created_at < after))
             .order_by(ZReport.desk, ZReport.number))
    found: list[tuple[list[str], dict[str, str]]] = []
    columns: dict[str, None] = {}  # the body's figures, in the order first met
    for z in query:
        session = z.session
        try:
            body = flatten(json.loads(z.body))
        except (ValueError, TypeError):
            body = {"corps": text(z.body)}
        columns.update(dict.fromkeys(k for k in body if k not in columns))
        found.append(([text(z.desk), str(z.number), when(session.closed_at or z.created_at),
                       str(session.id), when(session.opened_at), text(session.opened_by),
                       text(session.closed_by), dh(session.float_cents), dh(session.counted_cents),
                       z.journal_head], body))
    extra = [c for c in columns if c not in fixed]
    rows = [head + [body.get(c, "") for c in extra] for head, body in found]
    return Table("rapports_z.csv", (*fixed, *extra), rows)


BUILDERS: tuple[Callable[[date, date], Table], ...] = (
    _sales, _lines, _payments, _voids, _reprints, _movements, _z_reports)
FILES = ("ventes.csv", "lignes.csv", "paiements.csv", "annulations.csv", "reimpressions.csv",
         "mouvements_caisse.csv", "rapports_z.csv")


# --- writing ------------------------------------------------------------------------------------------

def _snapshot(read: Callable[[], T]) -> T:
    """The reads of one export in one consistent view of the store. SQLite: a deferred (read)
    transaction, desks keep writing. PostgreSQL: under the store's write lock (every writer takes
    it, so nothing commits meanwhile)."""
    from peewee import SqliteDatabase

    db = store.database.obj
    if isinstance(db, SqliteDatabase):
        with db.atomic(lock_type="DEFERRED"):
            return read()
    return store.write(read)


def _write_csv(path: Path, table: Table) -> str:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(table.header)
        writer.writerows(table.rows)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _target(out: Path | str | None, start: date, end: date) -> Path:
    folder = Path(out).expanduser() if out else default_folder(start, end)
    folder = folder.absolute()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise DomainError("err.export.exists", field="--out", path=str(folder))
    if not folder.parent.is_dir():
        raise DomainError("err.export.no_parent", field="--out", path=str(folder.parent))
    return folder


def export_period(start: date, end: date, out: Path | str | None = None, *, by: str = SYSTEM,
                  desk: str = "", account: str = "") -> ExportResult:
    """Write the period's files into ``out`` (created; absent or empty) and journal who did it."""
    if start > end:
        raise DomainError("err.export.order", start=start.isoformat(), end=end.isoformat())
    folder = _target(out, start, end)
    tables = _snapshot(lambda: [build(start, end) for build in BUILDERS])
    try:
        temporary = folder.parent / f".export-{secrets.token_hex(8)}"
        temporary.mkdir()  # beside the target (one file system: the rename is atomic), with the umask
    except OSError as exc:
        raise DomainError("err.export.write", path=str(folder.parent),
                          detail=exc.strerror or str(exc)) from exc
    moved = False
    try:
        try:
            digests = {table.name: _write_csv(temporary / table.name, table) for table in tables}
        except OSError as exc:
            raise DomainError("err.export.write", path=str(folder.parent),
                              detail=exc.strerror or str(exc)) from exc
        files = {table.name: {"rows": len(table.rows), "sha256": digests[table.name]}
                 for table in tables}

        def transaction() -> None:
            nonlocal moved
            journal.append(Event.EXPORT, {"from": start.isoformat(), "to": end.isoformat(),
                                          "folder": str(folder), "account": account, "files": files},
                           actor=by, desk=desk)
            if not moved:  # last: a refused rename rolls the journal row back
                try:
                    os.rename(temporary, folder)  # onto an absent or empty folder, at once
                except OSError as exc:
                    raise DomainError("err.export.write", path=str(folder),
                                      detail=exc.strerror or str(exc)) from exc
                moved = True

        store.write(transaction)
    except BaseException:
        if moved:  # the rename was done but the row did not commit: nothing half-done stays
            with contextlib.suppress(OSError):
                shutil.rmtree(folder)
        raise
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(temporary)
    return ExportResult(folder, start, end, {table.name: len(table.rows) for table in tables})


"""A full day at the counter on a real store, through the services only, then its Z checked.

Open with a float by denominations; sell by cash (with change), card and cheque; void a line
(approved); reprint billets and a receipt (approved); a cash withdrawal (approved); an X; more sales;
the Z with the drawer 20 DH short. Every figure of the Z is checked against sums the test computes
itself from the rows (its own SQL over payment, sale_line, carnet, billet, void, cash_movement, on a
connection of its own), and the Z's ESC/POS bytes, read back by the independent reader, hold those
figures. Z numbers run without a gap per desk. The journal verifies, then (on copies of the SQLite
file) names the right row after a payment edited, a journal row deleted, a row inserted.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter as Tally
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.day import NAMES, approval, counter_context
from test_print_support import parse, settings_for

from carnet_tui.domain.context import Role
from carnet_tui.domain.journal import chain, content
from carnet_tui.domain.money import format_dh
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.domain.till import DENOMINATIONS, MovementKind
from carnet_tui.services import journal, printing, report_printing, sales, till
from carnet_tui.services.journal import Event, Fault
from carnet_tui.store import db as store
from carnet_tui.store.models import CarnetModel, Tariff

MANAGER = NAMES[Role.RESPONSABLE]  # the responsable whose PIN support.day.approval types
FLOAT = {20000: 2, 5000: 2, 1000: 5, 100: 10, 50: 4}  # 562,00 DH
SHORT = 2000  # the drawer is 20 DH short at the Z


@dataclass
class Day:
    ctx: object
    settings: object
    printed: Path
    session_id: int
    voided_line: int
    paid_lines: list[int]
    x: till.Report
    z: till.Report


class Raw:
    """The test's own connection to the store (sqlite3 or psycopg), not the app's."""

    def __init__(self, location: str) -> None:
        if location.startswith("postgresql"):
            from support import pg

            self.conn, self.mark = pg.connect_raw(location), "%s"
        else:
            self.conn, self.mark = sqlite3.connect(location), "?"

    def rows(self, sql: str, *params: object) -> list[tuple]:
        return list(self.conn.execute(sql.replace("?", self.mark), params).fetchall())

    def one(self, sql: str, *params: object) -> object:
        return self.rows(sql, *params)[0][0]

    def close(self) -> None:
        self.conn.close()


def _counts_for(cents: int) -> dict[int, int]:
    """The drawer's pieces making ``cents`` (largest first), as a cashier would count them."""
    counts = {}
    for value in DENOMINATIONS:
        counts[value], cents = divmod(cents, value)
    assert cents == 0
    return counts


def _sell(ctx, catalog, lines, close: bool = True) -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    sale_id = sales.open_sale(ctx)
    ids = []
    for kind, model_id, tariff_id, quantity, payment in lines:
        request = sales.LineRequest(kind, model_id, tariff_id, quantity, 60)
        ids.append(sales.pay_line(ctx, sale_id, request, payment).line_id)
    if close:
        sales.close_sale(ctx, sale_id)
    return sale_id, ids


def _print_all(ctx, sale_id: int, settings) -> None:  # type: ignore[no-untyped-def]
    for carnet in sales.sale_carnets(sale_id):
        if not carnet.voided:
            printing.print_carnet(ctx, carnet.carnet_id, settings)
    printing.print_receipt(ctx, sale_id, settings)
    sales.finalize_sale(ctx, sale_id)


def run_day(catalog, tmp_path: Path) -> Day:  # type: ignore[no-untyped-def]
    small = CarnetModel.create(name="Carnet 10 entrées", billets_count=10, validity_days=30)
    small_price = Tariff.create(model=small, label="Plein tarif", price_cents=300000)
    partner = Tariff.create(model=small, label="Tarif partenaire", price_cents=250000, beneficiary_types="P")
    big, visitor, member = catalog.model_id, catalog.visitor_tariff_id, catalog.member_tariff_id
    printed = tmp_path / "printer.bin"
    settings = settings_for(tmp_path, f"file:{printed}")
    ctx = counter_context(counts=FLOAT)
    # morning: cash with change, card, cheque; one line voided
    first, first_lines = _sell(ctx, catalog, [
        ("V", big, visitor, 2, PaymentInput("cash", 1200000)),  # 11 000 DH, 1 000 DH back
        ("A", big, member, 1, PaymentInput("card", reference="TPE 4411")),
    ])
    _print_all(ctx, first, settings)
    second, second_lines = _sell(ctx, catalog, [
        ("P", small.id, partner.id, 1, PaymentInput("cheque", cheque_number="0012345")),
        ("V", small.id, small_price.id, 2, PaymentInput("cash", 700000)),  # 6 000 DH, 1 000 DH back
    ], close=False)
    sales.void_line(ctx, second_lines[1], "Erreur de tarif", approval(ctx, "void"))
    sales.close_sale(ctx, second)
    _print_all(ctx, second, settings)
    carnet = sales.sale_carnets(first)[0]
    printing.reprint_billets(ctx, carnet.carnet_id, settings, "Billets froissés", approval(ctx, "reprint"),
                             first=1, last=3)
    printing.print_receipt(ctx, first, settings, "Client a perdu son ticket", approval(ctx, "reprint"))
    till.cash_movement(ctx, MovementKind.WITHDRAWAL, 500000, "Dépôt en banque",
                       approval(ctx, "cash_movement"))
    x = till.x_report(ctx)
    # afternoon
    third, third_lines = _sell(ctx, catalog, [
        ("V", big, visitor, 1, PaymentInput("cash", 600000)),  # 5 500 DH, 500 DH back
        ("A", small.id, small_price.id, 3, PaymentInput("cash")),  # exact: 9 000 DH
        ("V", small.id, small_price.id, 1, PaymentInput("card")),
    ])
    _print_all(ctx, third, settings)
    expected = till.x_report(ctx).cash.expected_cents
    z = till.close_till(ctx, _counts_for(expected - SHORT))
    report_printing.print_report(z, settings)
    paid = first_lines + second_lines[:1] + third_lines
    return Day(ctx, settings, printed, ctx.session_id, second_lines[1], paid, x, z)


def _figures_from_rows(raw: Raw, session_id: int) -> dict[str, object]:
    """The Z's figures, computed by the test from the rows, its own way (rows fetched, summed here)."""
    lines = raw.rows(
        "SELECT p.method, p.amount_cents, p.tendered_cents, p.change_cents, l.voided, l.model_name, "
        "l.tariff_label, l.beneficiary_type, l.quantity, l.id, l.sale_id, l.total_cents "
        "FROM payment p, sale_line l WHERE l.id = p.line_id AND p.session_id = ?", session_id)
    kept = [r for r in lines if not r[4]]
    methods, models, tariffs, types = Tally(), Tally(), Tally(), Tally()
    counts: dict[str, Tally] = {"method": Tally(), "model": Tally(), "tariff": Tally(), "type": Tally()}
    for method, amount, _t, _c, _v, model, tariff, kind, _q, _id, _s, total in kept:
        assert amount == total
        methods[method] += amount
        models[model] += amount
        tariffs[(tariff, model)] += amount
        types[kind] += amount
        counts["method"][method] += 1
        counts["model"][model] += 1
        counts["tariff"][(tariff, model)] += 1
        counts["type"][kind] += 1
    kept_ids = [r[9] for r in kept]
    billets = sum(raw.one("SELECT COUNT(*) FROM billet b JOIN carnet c ON c.id = b.carnet_id "
                          "WHERE c.line_id = ?", line) for line in kept_ids)
    carnets = sum(raw.one("SELECT COUNT(*) FROM carnet WHERE line_id = ?", line) for line in kept_ids)
    voids = raw.rows("SELECT l.total_cents, v.reason, v.voided_by, v.approved_by FROM void v "
                     "JOIN sale_line l ON l.id = v.line_id JOIN payment p ON p.line_id = l.id "
                     "WHERE p.session_id = ? ORDER BY v.id", session_id)
    sale_ids = sorted({r[10] for r in lines})
    reprints = Tally()
    for sale_id in sale_ids:
        for what, detail in raw.rows("SELECT what, detail FROM reprint_log WHERE sale_id = ?", sale_id):
            if "duplicata" in detail:
                reprints[what] += 1
    movements = raw.rows("SELECT kind, amount_cents FROM cash_movement WHERE session_id = ?", session_id)
    float_cents, counted = raw.rows("SELECT float_cents, counted_cents FROM till_session WHERE id = ?",
                                    session_id)[0]
    cash = [r for r in kept if r[0] == "cash"]
    taken, change = sum(r[2] for r in cash), sum(r[3] for r in cash)
    deposits = sum(a for k, a in movements if k == "deposit")
    withdrawals = sum(a for k, a in movements if k == "withdrawal")
    expected = float_cents + taken - change + deposits - withdrawals
    return {
        "methods": methods, "models": models, "tariffs": tariffs, "types": types, "counts": counts,
        "total": sum(methods.values()), "lines": len(kept), "sales": len(sale_ids),
        "carnets": carnets, "billets": billets, "voids": voids, "reprints": reprints,
        "float": float_cents, "taken": taken, "change": change, "deposits": deposits,
        "withdrawals": withdrawals, "expected": expected, "counted": counted,
        "difference": counted - expected if counted is not None else None,
    }


def _check_report(report: till.Report, rows: dict[str, object]) -> None:
    assert {f.key: f.amount_cents for f in report.by_method} == rows["methods"]
    assert {f.key: f.count for f in report.by_method} == rows["counts"]["method"]
    assert {f.key: f.amount_cents for f in report.by_model} == rows["models"]
    assert {f.key: f.count for f in report.by_model} == rows["counts"]["model"]
    assert {(f.key, f.model): f.amount_cents for f in report.by_tariff} == rows["tariffs"]
    assert {(f.key, f.model): f.count for f in report.by_tariff} == rows["counts"]["tariff"]
    assert {f.key: f.amount_cents for f in report.by_beneficiary} == rows["types"]
    assert {f.key: f.count for f in report.by_beneficiary} == rows["counts"]["type"]
    assert (report.total_cents, report.lines_count, report.sales_count) == (
        rows["total"], rows["lines"], rows["sales"])
    assert (report.carnets, report.billets) == (rows["carnets"], rows["billets"])
    assert sum(f.carnets for f in report.by_model) == rows["carnets"]
    assert [(v.amount_cents, v.reason, v.voided_by, v.approved_by) for v in report.voids] == rows["voids"]
    assert dict(report.reprints) == rows["reprints"]
    cash = report.cash
    assert (cash.float_cents, cash.cash_taken_cents, cash.change_cents, cash.deposits_cents,
            cash.withdrawals_cents, cash.expected_cents) == (
        rows["float"], rows["taken"], rows["change"], rows["deposits"], rows["withdrawals"], rows["expected"])


@pytest.mark.both_stores
def test_a_full_day_and_its_z(manual_catalog, store_location, tmp_path):
    day = run_day(manual_catalog, tmp_path)
    raw = Raw(store_location)
    try:
        rows = _figures_from_rows(raw, day.session_id)
    finally:
        raw.close()
    z = day.z
    _check_report(z, rows)
    # and what the day was, by hand: the figures above are not all zero by accident
    assert rows["methods"] == {"cash": 1100000 + 550000 + 900000, "card": 450000 + 300000, "cheque": 250000}
    assert (rows["taken"], rows["change"], rows["withdrawals"]) == (1200000 + 600000 + 900000, 150000, 500000)
    assert rows["expected"] == 56200 + 2700000 - 150000 - 500000
    assert rows["voids"] == [(600000, "Erreur de tarif", "amina", MANAGER)]
    assert rows["reprints"] == {"billets": 1, "receipt": 1}
    assert (rows["carnets"], rows["billets"], rows["sales"]) == (3 + 1 + 5, 3 * 15 + 10 + 15 + 4 * 10, 3)
    assert rows["types"] == {"V": 1100000 + 550000 + 300000, "A": 450000 + 900000, "P": 250000}
    # the count: 20 DH short, said by the Z and by the session's row
    assert z.counted_cents == rows["counted"] == rows["expected"] - SHORT
    assert z.difference_cents == rows["difference"] == -SHORT
    assert z.z_number == 1 and z.closed_by == "amina" and not z.duplicate
    # the X of the morning: the same figures as the rows then (before the afternoon's sale)
    assert day.x.kind == "X" and day.x.cash.expected_cents == 56200 + 1200000 - 100000 - 500000
    assert day.x.total_cents == 1100000 + 450000 + 250000 and day.x.voids_count == 1
    # the Z read back from the store, and its DUPLICATA, say the same
    stored = till.z_reports()[0]
    assert till.z_report(stored.id) == z
    reader = counter_context(open_till=False)
    copy = till.reprint_z(reader, stored.id, approval(reader, "reprint"))
    assert copy == z and copy.duplicate
    report_printing.print_report(copy, day.settings)
    _check_paper(day.printed, z, rows)
    assert journal.verify().ok


def _check_paper(path: Path, z: till.Report, rows: dict[str, object]) -> None:
    """The Z and its DUPLICATA as the printer got them: the last two documents of the day's roll."""
    docs = parse(path.read_bytes())
    original, duplicate = docs[-2], docs[-1]
    assert not original.duplicate and duplicate.duplicate
    for doc in (original, duplicate):
        lines = doc.lines
        text = "\n".join(lines)
        assert f"RAPPORT Z N° {z.z_number}" in text

        def says(label: str, value: str, lines: list[str] = lines) -> None:
            assert any(line.startswith(label) and line.endswith(value) for line in lines), (label, value)

        for method, amount in rows["methods"].items():
            says(f"{ {'cash': 'Espèces', 'card': 'Carte', 'cheque': 'Chèque'}[method]} "
                 f"({rows['counts']['method'][method]})", format_dh(amount))
        says(f"TOTAL ({rows['lines']})", format_dh(rows["total"]))
        for model, amount in rows["models"].items():
            says(f"{model} ({rows['counts']['model'][model]})", format_dh(amount))
        for (tariff, _model), amount in rows["tariffs"].items():
            assert any(line.startswith(tariff) and line.endswith(format_dh(amount)) for line in lines)
        for kind, label in (("A", "Abonné"), ("V", "Visiteur"), ("P", "Partenaire")):
            says(f"{label} ({rows['counts']['type'][kind]})", format_dh(rows["types"][kind]))
        says("Ventes", str(rows["sales"]))
        says("Carnets vendus", str(rows["carnets"]))
        says("Billets vendus", str(rows["billets"]))
        says(f"ANNULATIONS ({len(rows['voids'])})", format_dh(sum(v[0] for v in rows["voids"])))
        assert "Motif : Erreur de tarif" in text and f"Par amina, accord {MANAGER}" in text
        says("RÉIMPRESSIONS", f"({sum(rows['reprints'].values())})")
        says("Billets", str(rows["reprints"]["billets"]))
        says("Tickets", str(rows["reprints"]["receipt"]))
        says("Fond de caisse", format_dh(rows["float"]))
        says("Encaissé", format_dh(rows["taken"]))
        says("Rendu", format_dh(-rows["change"]))
        says("Retraits", format_dh(-rows["withdrawals"]))
        says("Attendu", format_dh(rows["expected"]))
        says("Compté", format_dh(rows["counted"]))
        says("Écart", "-20,00 DH")
        assert z.journal_head[:32] in lines and z.journal_head[32:] in lines


@pytest.mark.both_stores
def test_z_numbers_over_two_sessions_and_two_desks(manual_catalog, tmp_path):
    big, visitor = manual_catalog.model_id, manual_catalog.visitor_tariff_id
    numbers = []
    for desk in ("Caisse 1", "Caisse 1", "Caisse 2", "Caisse 1", "Caisse 2"):
        ctx = counter_context(counts={10000: 1}, desk=desk)
        _sell(ctx, manual_catalog, [("V", big, visitor, 1, PaymentInput("card"))])
        z = till.close_till(ctx, {10000: 1})
        numbers.append((desk, z.z_number, z.total_cents))
    assert numbers == [("Caisse 1", 1, 550000), ("Caisse 1", 2, 550000), ("Caisse 2", 1, 550000),
                       ("Caisse 1", 3, 550000), ("Caisse 2", 2, 550000)]
    # a payment belongs to its session only: each Z holds its own sale
    assert [z.total_cents for z in map(till.z_report, [s.id for s in till.z_reports()])] == [550000] * 5
    assert journal.verify().ok


# --- the journal against tampering, on copies of the day's SQLite file -----------------------------

@pytest.fixture
def day_file(manual_catalog, db_path, tmp_path) -> tuple[Path, Day]:
    day = run_day(manual_catalog, tmp_path)
    assert journal.verify().ok
    store.close()
    return db_path, day


def _copy(source: Path, name: str) -> Path:
    target = source.with_name(name)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)  # the WAL's pages included
    return target


def _verify(path: Path) -> journal.Verdict:
    store.connect(str(path))
    try:
        return journal.verify()
    finally:
        store.close()


def _event_seq(path: Path, kind: Event, key: str, value: int) -> int:
    with sqlite3.connect(path) as conn:
        for seq, data in conn.execute("SELECT seq, data FROM journal WHERE kind = ? ORDER BY seq", (kind,)):
            if json.loads(data).get(key) == value:
                return seq
    raise AssertionError(f"no {kind} event with {key}={value}")


def test_verify_names_a_payment_edited_with_sqlite3(day_file):
    path, day = day_file
    copy = _copy(path, "edited.db")
    with sqlite3.connect(copy) as conn:
        payment_id = conn.execute("SELECT id FROM payment WHERE line_id = ?",
                                  (day.paid_lines[1],)).fetchone()[0]
        conn.execute("UPDATE payment SET amount_cents = amount_cents - 100000 WHERE id = ?", (payment_id,))
    verdict = _verify(copy)
    assert not verdict.ok and verdict.fault == Fault.ROW_CHANGED
    assert verdict.bad_seq == _event_seq(copy, Event.LINE_PAID, "payment", payment_id)
    assert verdict.detail == f"payment {payment_id} amount_cents"
    assert _verify(path).ok  # the original file is untouched


def test_verify_names_a_deleted_journal_row(day_file):
    path, day = day_file
    copy = _copy(path, "deleted.db")
    seq = _event_seq(copy, Event.CASH_MOVEMENT, "session", day.session_id)
    with sqlite3.connect(copy) as conn:
        conn.execute("DELETE FROM journal WHERE seq = ?", (seq,))
    verdict = _verify(copy)
    assert not verdict.ok and verdict.fault == Fault.GAP and verdict.bad_seq == seq


@pytest.mark.parametrize("forged", ["garbage hash", "valid hash"])
def test_verify_names_a_row_inserted_in_the_middle(day_file, forged):
    path, day = day_file
    copy = _copy(path, f"inserted-{forged[:5]}.db")
    seq = _event_seq(copy, Event.X_REPORT, "session", day.session_id)  # put a row before the X
    with sqlite3.connect(copy) as conn:
        # the rows from there on moved one place down (through negative numbers: seq is unique)
        conn.execute("UPDATE journal SET seq = -seq - 1 WHERE seq >= ?", (seq,))
        conn.execute("UPDATE journal SET seq = -seq WHERE seq < 0")
        previous = conn.execute("SELECT hash FROM journal WHERE seq = ?", (seq - 1,)).fetchone()[0]
        at, data = "2019-12-20T12:00:00", json.dumps({"movement": 999, "amount": 1}, separators=(",", ":"))
        digest = (chain(previous, content(seq, at, "cash_movement", "amina", MANAGER, "Caisse 1", data))
                  if forged == "valid hash" else "f" * 64)
        conn.execute("INSERT INTO journal (seq, at, kind, actor, approved_by, desk, data, prev_hash, hash) "
                     "VALUES (?, ?, 'cash_movement', 'amina', ?, 'Caisse 1', ?, ?, ?)",
                     (seq, at, MANAGER, data, previous, digest))
    verdict = _verify(copy)
    assert not verdict.ok
    if forged == "valid hash":
        # the forged row chains well to the one before; the row after it no longer does
        assert (verdict.fault, verdict.bad_seq) == (Fault.LINK, seq + 1)
    else:
        assert (verdict.fault, verdict.bad_seq) == (Fault.CHANGED, seq)

"""A year at one desk: the Z and the journal's verification on 100 000 sales and 1.5 million billets.

The year is written fast, by bulk SQL on the store's own connection (not through the services:
paying 100 000 lines one by one would take the bench an hour), but it is the store the services
write: the same tables and columns, carnet and billet numbers from ``domain.numbering``, ~300 till
sessions each with its float, a withdrawal and its Z (figures computed by ``services.till`` itself,
frozen as the service does), voids and reprints, and the journal a day writes: one row a line paid,
void, sale closed, carnet printed, receipt printed and sale finalized, chained with
``domain/journal.py`` exactly as ``services/journal.py`` appends them, so ``journal.verify`` passes.

Measured on it, the store opened afresh as the app opens it:
- ``z_report_ms_1y``: ``till.x_report`` of the last session (the Z's own aggregates, and its journal
  row), median of a few runs; ``close_till`` is then timed once too (in the note).
- ``journal_verify_s_1y``: ``journal.verify()`` over the whole year's journal.

``python -m bench.day_bench [folder]`` builds and measures alone (the database is left in a
temporary folder, thrown away after, unless a folder is given).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.common import Workspace

SALES = 100_000
BILLETS = 15  # every carnet of the year has 15 billets: 1.5 million
SESSIONS = 300
DESK = "Caisse 1"
CASHIER, MANAGER = "amina", "chef"
FIRST_DAY = date(2019, 1, 2)
FLOAT = {20000: 2, 5000: 2, 1000: 5}  # 550,00 DH every morning
VOID_EVERY = 97  # about 1 % of the lines
REPRINT_EVERY = 150
RUNS = 7
# the columns written, as the store's tables name them (store/models.py)
COLUMNS = {
    "sale": "id, number, status, sale_date, cashier, desk, opened_at, closed_at, finalized_at",
    "sale_line": "id, sale_id, position, beneficiary_type, model_id, tariff_id, model_name, tariff_label, "
                 "unit_price_cents, quantity, validity_days, valid_until, total_cents, paid_at, voided",
    "payment": "id, line_id, method, amount_cents, tendered_cents, change_cents, cheque_number, reference, "
               "paid_at, session_id",
    "carnet": 'id, sale_id, line_id, "index", number, billets_count, valid_from, valid_until',
    "billet": "id, carnet_id, seq, number, print_state, sent_at",
    "void": "id, line_id, reason, voided_by, voided_at, approved_by",
    "reprint_log": "id, sale_id, what, detail, reason, done_by, done_at, approved_by",
    "cash_movement": "id, session_id, kind, amount_cents, reason, done_by, approved_by, done_at",
    "journal": "seq, at, kind, actor, approved_by, desk, data, prev_hash, hash",
}


def build(path: Path) -> dict[str, float]:
    """Write the year into a new store at ``path``; returns counts and the time it took."""
    from carnet_tui.domain import numbering
    from carnet_tui.domain.journal import GENESIS, canonical_data, chain, content
    from carnet_tui.domain.pins import hash_pin
    from carnet_tui.domain.till import DENOMINATIONS, counted_total
    from carnet_tui.services import till
    from carnet_tui.services.journal import Event
    from carnet_tui.store import db as store
    from carnet_tui.store.models import TillSession

    started = time.perf_counter()
    db = store.connect(str(path))
    conn = db.connection()
    conn.execute("PRAGMA synchronous = OFF")  # a throwaway build: the measures reopen it as shipped

    seq, head = 0, GENESIS

    def event(kind: Event, at: datetime, data: dict, actor: str = CASHIER, approved_by: str = "") -> tuple:
        nonlocal seq, head
        seq += 1
        text, when = canonical_data(data), at.isoformat(timespec="seconds")
        digest = chain(head, content(seq, when, kind.value, actor, approved_by, DESK, text))
        row = (seq, when, kind.value, actor, approved_by, DESK, text, head, digest)
        head = digest
        return row

    def insert(table: str, columns: str, rows: list[tuple]) -> None:
        if rows:
            marks = ", ".join("?" * len(columns.split(",")))
            conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    def text_time(at: datetime) -> str:
        return at.isoformat(sep=" ", timespec="seconds")

    with db.atomic():
        pin = hash_pin("1234", b"bench-salt-16byt")
        insert("user", "name, role, pin_hash, active, failed_pins, locked_until, created_at",
               [(CASHIER, "caissier", pin, 1, 0, 0, "2019-01-01 08:00:00"),
                (MANAGER, "responsable", pin, 1, 0, 0, "2019-01-01 08:00:00")])
        insert("carnet_model", "id, name, billets_count, validity_days, active, position",
               [(1, "Carnet 15 entrées", BILLETS, 60, 1, 0), (2, "Aquagym 15 séances", BILLETS, 90, 1, 1)])
        insert("tariff", "id, model_id, label, price_cents, beneficiary_types, active",
               [(1, 1, "Plein tarif", 550000, "", 1), (2, 1, "Tarif abonné", 450000, "A", 1),
                (3, 2, "Plein tarif", 300000, "", 1), (4, 2, "Tarif abonné", 250000, "A", 1)])
    models = {1: "Carnet 15 entrées", 2: "Aquagym 15 séances"}
    tariffs = {1: ("Plein tarif", 550000), 2: ("Tarif abonné", 450000), 3: ("Plein tarif", 300000),
               4: ("Tarif abonné", 250000)}

    float_cents = counted_total(FLOAT)
    billet_id = carnet_id = line_id = void_id = reprint_id = 0
    for s in range(SESSIONS):
        sid = s + 1
        day = FIRST_DAY + timedelta(days=s + s // 6)  # six days a week
        opened = datetime.combine(day, datetime.min.time()) + timedelta(hours=8, minutes=30)
        first, last = s * SALES // SESSIONS, (s + 1) * SALES // SESSIONS
        with db.atomic():
            journal_rows = [event(Event.SIGN_IN, opened, {"user": 1})]
            insert("till_session", "id, desk, status, opened_by, opened_at, float_cents, float_counts",
                   [(sid, DESK, "open", CASHIER, text_time(opened), float_cents,
                     canonical_data({str(k): FLOAT.get(k, 0) for k in DENOMINATIONS}))])
            journal_rows.append(event(Event.TILL_OPENED, opened, {
                "session": sid, "float": float_cents, "desk": DESK,
                "counts": {str(k): FLOAT.get(k, 0) for k in DENOMINATIONS}}))
            sales, lines, payments, carnets, billets, voids, reprints = [], [], [], [], [], [], []
            cash_kept = 0
            for n in range(first, last):
                number = n + 1  # sale id = sale number
                at = opened + timedelta(seconds=30 + 90 * (n - first))
                kind = "AVVP"[n % 4]
                model = 1 + (n % 3 == 2)
                tariff = (2 if kind == "A" else 1) if model == 1 else (4 if kind == "A" else 3)
                label, price = tariffs[tariff]
                method = ("cash", "cash", "cash", "cash", "cash", "card", "card", "card", "cheque",
                          "cash")[n % 10]
                tendered = price if method != "cash" or n % 3 else price + 50000 - price % 50000
                change = tendered - price
                line_id += 1
                voided = line_id % VOID_EVERY == 0
                valid_until = day + timedelta(days=60)
                lines.append((line_id, number, 1, kind, model, tariff, models[model], label, price, 1, 60,
                              valid_until.isoformat(), price, text_time(at), int(voided)))
                payments.append((line_id, line_id, method, price, tendered, change,
                                 "0012345" if method == "cheque" else None, None, text_time(at), sid))
                carnet_id += 1
                carnet_number = numbering.carnet_number(day, number, 0)
                carnets.append((carnet_id, number, line_id, 0, carnet_number, BILLETS, day.isoformat(),
                                valid_until.isoformat()))
                for b in range(1, BILLETS + 1):
                    billet_id += 1
                    billets.append((billet_id, carnet_id, b,
                                    numbering.billet_number(carnet_number, b, BILLETS),
                                    "unprinted" if voided else "sent", None if voided else text_time(at)))
                journal_rows.append(event(Event.LINE_PAID, at, {
                    "payment": line_id, "line": line_id, "method": method, "amount": price,
                    "tendered": tendered, "change": change, "session": sid, "sale": number,
                    "carnets": [carnet_number]}))
                if voided:
                    void_id += 1
                    voids.append((void_id, line_id, "Erreur de tarif", CASHIER, text_time(at), MANAGER))
                    journal_rows.append(event(Event.LINE_VOIDED, at, {
                        "void": void_id, "line": line_id, "reason": "Erreur de tarif", "amount": price,
                        "sale": number, "session": sid, "asked_by": CASHIER}, approved_by=MANAGER))
                else:
                    cash_kept += tendered - change if method == "cash" else 0
                    journal_rows.append(event(Event.SALE_CLOSED, at, {
                        "sale": number, "sale_id": number, "total": price, "session": sid}))
                    journal_rows.append(event(Event.BILLETS_PRINTED, at, {
                        "carnet": carnet_number, "billets": [1, BILLETS], "duplicate": False,
                        "session": sid}))
                    journal_rows.append(event(Event.RECEIPT_PRINTED, at, {"sale": number, "session": sid}))
                    if number % REPRINT_EVERY == 0:
                        reprint_id += 1
                        detail = f"{carnet_number} 1-2 duplicata"
                        reprints.append((reprint_id, number, "billets", detail, "Billet froissé", CASHIER,
                                         text_time(at), MANAGER))
                        journal_rows.append(event(Event.REPRINT, at, {
                            "kind": "billets", "sale": number, "detail": detail, "reason": "Billet froissé",
                            "session": sid, "asked_by": CASHIER}, approved_by=MANAGER))
                journal_rows.append(event(Event.SALE_FINALIZED, at, {
                    "sale": number, "sale_id": number, "session": sid}))
                sales.append((number, number, "finalized", day.isoformat(), CASHIER, DESK, text_time(at),
                              None if voided else text_time(at), text_time(at)))
            for table, rows in (("sale", sales), ("sale_line", lines), ("payment", payments),
                                ("carnet", carnets), ("billet", billets), ("void", voids),
                                ("reprint_log", reprints)):
                insert(table, COLUMNS[table], rows)
            # the afternoon's bank run: half the cash taken, approved
            noon = opened + timedelta(hours=5)
            withdrawal = cash_kept // 2 // 10000 * 10000
            insert("cash_movement", COLUMNS["cash_movement"],
                   [(sid, sid, "withdrawal", withdrawal, "Dépôt en banque", CASHIER, MANAGER,
                     text_time(noon))])
            journal_rows.append(event(Event.CASH_MOVEMENT, noon, {
                "movement": sid, "session": sid, "movement_kind": "withdrawal", "amount": withdrawal,
                "reason": "Dépôt en banque", "asked_by": CASHIER}, approved_by=MANAGER))
            insert("journal", COLUMNS["journal"], journal_rows)
            if s == SESSIONS - 1:
                break  # the last session stays open: the bench's X and Z are made on it
            # the Z, as the service makes it: figures by till's own aggregates, frozen, journaled
            closed = opened + timedelta(hours=10)
            session = TillSession.get_by_id(sid)
            expected = till._cash(session).expected_cents
            counts = {20000: expected // 20000, 50: (expected % 20000) // 50}
            report = till._figures(session, till.ReportKind.Z, CASHIER, closed, head, counts, sid)
            body = till.body_text(report)
            conn.execute("UPDATE till_session SET status = 'closed', closed_by = ?, closed_at = ?, "
                         "counted_cents = ?, counted_counts = ?, z_number = ? WHERE id = ?",
                         (CASHIER, text_time(closed), report.counted_cents,
                          canonical_data({str(k): v for k, v in counts.items()}), sid, sid))
            insert("z_report", "id, session_id, desk, number, body, journal_head, created_at",
                   [(sid, sid, DESK, sid, body, head, text_time(closed))])
            insert("journal", COLUMNS["journal"], [event(Event.TILL_CLOSED, closed, {
                "z": sid, "number": sid, "body": body, "session": sid})])
    with db.atomic():
        conn.executemany("INSERT INTO counter (name, value) VALUES (?, ?)",
                         [("sale", SALES), (till.z_series(DESK), SESSIONS - 1)])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return {"seconds": time.perf_counter() - started, "journal_rows": seq, "billets": billet_id,
            "sales": SALES, "sessions": SESSIONS, "mb": path.stat().st_size / 1e6}


def measure(path: Path) -> dict[str, float]:
    """The two figures on the built year, the store opened as the app opens it."""
    from carnet_tui.domain.context import Context, Role
    from carnet_tui.services import journal, till
    from carnet_tui.store import db as store

    store.connect(str(path))
    try:
        ctx = Context(1, CASHIER, Role.CAISSIER, DESK, FIRST_DAY, SESSIONS)
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            x = till.x_report(ctx)
            times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        z = till.close_till(ctx, {20000: 1})
        close_ms = (time.perf_counter() - started) * 1000
        assert x.lines_count > 300 and z.z_number == SESSIONS and z.billets >= 300 * BILLETS
        started = time.perf_counter()
        verdict = journal.verify()
        verify_s = time.perf_counter() - started
        assert verdict.ok, verdict
    finally:
        store.close()
    return {"z_report_ms_1y": statistics.median(times), "x_first_ms": times[0], "close_till_ms": close_ms,
            "journal_verify_s_1y": verify_s, "verified_rows": verdict.rows, "lines": x.lines_count}


def _year(ws: Workspace) -> dict[str, float]:
    if "day" not in ws.cache:
        path = ws.folder / "year-1-desk.db"
        built = build(path)
        figures = measure(path)
        ws.notes["z_report_ms_1y"] = (
            f"x_report of the last of {SESSIONS} sessions ({figures['lines']:.0f} lines), median of {RUNS} "
            f"(first {figures['x_first_ms']:.1f} ms); close_till once: {figures['close_till_ms']:.1f} ms; "
            f"year built by bulk SQL in {built['seconds']:.0f} s: {built['sales']:.0f} sales, "
            f"{built['billets']:.0f} billets, {built['mb']:.0f} MB")
        ws.notes["journal_verify_s_1y"] = f"{figures['verified_rows']:.0f} journal rows of the year"
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)  # hundreds of MB: not kept for the other benches
        ws.cache["day"] = figures
    return ws.cache["day"]


def z_report_ms_1y(ws: Workspace) -> float:
    return _year(ws)["z_report_ms_1y"]


def journal_verify_s_1y(ws: Workspace) -> float:
    return _year(ws)["journal_verify_s_1y"]


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="carnet-day-") as folder:
        target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        built = build(target / "year-1-desk.db")
        print("built", {k: round(v, 1) for k, v in built.items()}, flush=True)
        print("measured", {k: round(v, 3) for k, v in measure(target / "year-1-desk.db").items()})

"""Fault drills on the sale store: kill -9 while paying lines, and four desks paying at once.

Real processes on a real SQLite file, configured as shipped (WAL, synchronous FULL). After each
crash the file must open, every committed line must be whole and every number unique.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from support.day import CHILD_CONTEXT

from carnet_tui.domain import numbering
from carnet_tui.services import journal
from carnet_tui.store import db as store
from carnet_tui.store.models import CarnetModel, Tariff, database

REPO = Path(__file__).resolve().parents[1]
KILLS = 24
SEED = 20191220

PAYER = CHILD_CONTEXT + textwrap.dedent(
    """
    import random, sys
    from carnet_tui.domain.errors import DomainError
    from carnet_tui.domain.payment import PaymentInput
    from carnet_tui.services import sales
    from carnet_tui.store import db

    path, model_id, tariff_id, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    db.connect(path)
    ctx = desk_context(f"Caisse {seed}")
    rng = random.Random(seed)
    print("ready", flush=True)
    while True:
        sale = sales.open_sale(ctx)
        for _ in range(rng.randint(1, 3)):
            request = sales.LineRequest("V", model_id, tariff_id, rng.randint(1, 10), 60)
            paid = sales.pay_line(ctx, sale, request, PaymentInput("cash", 10**9))
            print("paid", paid.line_id, flush=True)
            if rng.random() < 0.15:
                sales.void_line(ctx, paid.line_id, "erreur de saisie", self_approval(ctx, "void"))
        try:
            sales.close_sale(ctx, sale)
        except DomainError:  # every line voided: the sale stays open, as at the counter
            pass
    """
)

# One desk of the concurrency drill: waits for "go" so that the four start together.
DESK = CHILD_CONTEXT + textwrap.dedent(
    """
    import json, random, sys, time
    from carnet_tui.domain.payment import PaymentInput
    from carnet_tui.services import sales
    from carnet_tui.store import db

    path, model_id, tariff_id, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    db.connect(path)
    ctx = desk_context(f"Caisse {seed}")
    rng = random.Random(seed)
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.time()
    paid, errors, numbers = 0, [], []
    sale = None
    while paid < 50:
        try:
            if sale is None:
                sale = sales.open_sale(ctx)
            request = sales.LineRequest("A", model_id, tariff_id, rng.randint(1, 3), 30)
            line = sales.pay_line(ctx, sale, request, PaymentInput("card"))
            paid += 1
            numbers.extend(line.carnet_numbers)
            if rng.random() < 0.4:
                sales.close_sale(ctx, sale)
                sale = None
        except Exception as exc:  # every error must be counted, none may reach a cashier
            errors.append(f"{type(exc).__name__}: {exc}")
            if len(errors) > 20:
                break
    if sale is not None:
        sales.close_sale(ctx, sale)
    report = {"paid": paid, "errors": errors, "numbers": numbers, "started": started, "ended": time.time()}
    print(json.dumps(report), flush=True)
    sys.exit(1 if errors else 0)
    """
)


def seed_catalog(path: str) -> tuple[int, int]:
    """The manual's model: 15 billets, 60 days, 5 500,00 DH."""
    store.connect(path)

    def transaction() -> tuple[int, int]:
        model = CarnetModel.create(name="Piscine 15 entrées", billets_count=15, validity_days=60)
        tariff = Tariff.create(model=model, label="Plein tarif", price_cents=550000)
        return model.id, tariff.id

    ids = store.write(transaction)
    store.close()
    return ids


def _rows(sql: str, params: tuple[object, ...] = ()) -> list[tuple]:
    return list(database.obj.execute_sql(sql, params).fetchall())


def check_store(path: str) -> dict[str, int]:
    """Open the file afresh and check every invariant a crash could break. Returns counts."""
    store.connect(path)
    try:
        if not path.startswith("postgresql://"):  # a server checks its foreign keys at each write
            assert _rows("PRAGMA integrity_check") == [("ok",)]
            assert _rows("PRAGMA foreign_key_check") == []
        for table in ("carnet", "billet"):
            dupes = _rows(f"SELECT number FROM {table} GROUP BY number HAVING COUNT(*) > 1")
            assert dupes == [], f"{table} numbers twice: {dupes[:5]}"
        taken = _rows("SELECT number FROM sale WHERE number IS NOT NULL GROUP BY number HAVING COUNT(*) > 1")
        assert taken == [], f"sale numbers twice: {taken[:5]}"
        # a line is whole: one payment of its total, exactly `quantity` carnets, void iff a Void row
        lines = _rows(
            "SELECT l.id, l.quantity, l.total_cents, l.voided,"
            " (SELECT COUNT(*) FROM payment p WHERE p.line_id = l.id),"
            " (SELECT SUM(p.amount_cents) FROM payment p WHERE p.line_id = l.id),"
            " (SELECT COUNT(*) FROM carnet c WHERE c.line_id = l.id),"
            " (SELECT COUNT(*) FROM void v WHERE v.line_id = l.id)"
            " FROM sale_line l"
        )
        for line_id, quantity, total, voided, payments, paid, carnets, voids in lines:
            assert payments == 1 and paid == total, f"line {line_id}: {payments} payments"
            assert carnets == quantity, f"line {line_id}: {carnets} carnets for {quantity}"
            assert voids == int(bool(voided)), f"line {line_id}: voided={voided}, {voids} void rows"
        # every carnet has all its billets, numbered from its own number
        carnets = _rows(
            'SELECT c.id, c.number, c.billets_count, c."index", s.number, s.sale_date,'
            " COUNT(b.id), MIN(b.seq), MAX(b.seq)"
            " FROM carnet c JOIN sale s ON s.id = c.sale_id LEFT JOIN billet b ON b.carnet_id = c.id"
            " GROUP BY c.id, s.number, s.sale_date"
        )
        for _cid, number, count, index, sale_number, sale_date, billets, first, last in carnets:
            assert (billets, first, last) == (count, 1, count), f"carnet {number}: {billets}/{count} billets"
            day = numbering.parse_carnet_number(number)
            assert (day.sale_number, day.index, str(day.sale_date)) == (sale_number, index, str(sale_date)), (
                f"carnet {number} does not match its sale {sale_number} / index {index}"
            )
        wrong = _rows("SELECT b.number, c.number, b.seq FROM billet b JOIN carnet c ON c.id = b.carnet_id")
        for billet, carnet, seq in wrong:
            assert billet == numbering.billet_number(carnet, seq, 15), billet
        # each sale's carnets are indexed 0..k-1 with no hole
        holes = _rows(
            "SELECT sale_id FROM carnet GROUP BY sale_id"
            ' HAVING MAX("index") + 1 != COUNT(*) OR MIN("index") != 0'
        )
        assert holes == [], f"carnet index holes in sales {holes[:5]}"
        # the sale counter: numbers given only with a first line, consecutive, the counter at the last one
        assert (
            _rows(
                "SELECT id FROM sale WHERE number IS NOT NULL AND id NOT IN (SELECT sale_id FROM sale_line)"
            )
            == []
        ), "a sale number without a paid line"
        numbers = [
            r[0]
            for r in _rows(
                "SELECT number FROM sale WHERE id IN (SELECT sale_id FROM sale_line) ORDER BY number"
            )
        ]
        if numbers:
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), "gap in sale numbers"
            assert _rows("SELECT value FROM counter WHERE name = 'sale'") == [(numbers[-1],)]
        # the journal: each payment and void committed with its event, the chain whole
        verdict = journal.verify()
        assert verdict.ok, verdict
        return {
            "lines": len(lines),
            "carnets": len(carnets),
            "sales": len(numbers),
            "billets": _rows("SELECT COUNT(*) FROM billet")[0][0],
        }
    finally:
        store.close()


def _spawn(script: Path, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(script), *map(str, args)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_kill_9_while_paying_lines_loses_nothing_committed(tmp_path: Path) -> None:
    path = str(tmp_path / "drill.db")
    model_id, tariff_id = seed_catalog(path)
    script = tmp_path / "payer.py"
    script.write_text(PAYER, encoding="utf-8")
    rng = random.Random(SEED)
    acknowledged: set[int] = set()
    previous = {"lines": 0, "billets": 0}
    for kill in range(KILLS):
        child = _spawn(script, path, model_id, tariff_id, SEED + kill)
        assert child.stdout is not None
        ready = child.stdout.readline()
        assert ready.strip() == "ready", child.stderr.read() if child.stderr else ""
        # random point: anywhere from the first statement to a few lines in
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, f"payer died on its own:\n{err}"
        acknowledged |= {int(w.split()[1]) for w in out.splitlines() if w.startswith("paid ")}
        counts = check_store(path)
        # durability: a line the service said was paid is still there
        store.connect(path)
        present = {r[0] for r in _rows("SELECT id FROM sale_line")}
        store.close()
        assert acknowledged <= present, f"acknowledged lines lost: {sorted(acknowledged - present)[:5]}"
        assert counts["lines"] >= previous["lines"] and counts["billets"] >= previous["billets"]
        previous = counts
    assert previous["lines"] > KILLS, "the drill barely paid anything: the kills came too early"


def test_four_desks_pay_fifty_lines_each_at_once(tmp_path: Path) -> None:
    path = str(tmp_path / "desks.db")
    model_id, tariff_id = seed_catalog(path)
    script = tmp_path / "desk.py"
    script.write_text(DESK, encoding="utf-8")
    desks = [_spawn(script, path, model_id, tariff_id, seed) for seed in range(4)]
    for desk in desks:
        assert desk.stdout is not None and desk.stdout.readline().strip() == "ready"
    for desk in desks:
        assert desk.stdin is not None
        desk.stdin.write("go\n")
        desk.stdin.flush()
    reports = []
    for desk in desks:
        out, err = desk.communicate(timeout=110)
        assert out.strip(), f"desk printed nothing (exit {desk.returncode}):\n{err}"
        report = json.loads(out.strip().splitlines()[-1])
        assert report["errors"] == [], report["errors"][:3]
        assert desk.returncode == 0, err
        assert report["paid"] == 50
        reports.append(report)
    # the four really paid at the same time: every desk started before any had finished
    assert max(r["started"] for r in reports) < min(r["ended"] for r in reports)
    numbers = [n for report in reports for n in report["numbers"]]
    assert len(numbers) == len(set(numbers)), "a carnet number was handed to two desks"
    counts = check_store(path)
    assert counts["lines"] == 200
    assert counts["carnets"] == len(numbers)

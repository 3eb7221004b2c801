"""Door figures: one scan verified and recorded in a store of a million billets, and Enter typed by
the scanner to the frame showing the verdict (Pilot, 80×24).

The million billets are written by bulk SQL (``build_billets``), not through the sale service: the
figure is the check-in's, and a million paid lines through the service would take an hour. The rows
are the ones the service makes (sale, line, payment, carnets of 15 billets, print state ``sent``).
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import date, datetime
from pathlib import Path

from bench.common import Missing, Workspace, p95

BILLETS_1M = 1_000_000
PER_CARNET = 15
CARNETS_PER_SALE = 10
SCANS = 300
WARMUP = 30
SALE_DAY = date(2026, 1, 5)
VALID_UNTIL = date(2026, 12, 31)


def build_billets(count: int, day: date = SALE_DAY, valid_until: date = VALID_UNTIL) -> list[str]:
    """Paid, printed carnets holding ``count`` billets (rounded up to whole sales) in the connected
    store; returns their billet numbers. Bulk SQL in one write: a million in well under a minute."""
    from carnet_tui.domain import numbering
    from carnet_tui.store import db as store
    from carnet_tui.store.models import CarnetModel, Sale, Tariff, database

    db = database.obj
    p = db.param
    model = CarnetModel.get_or_none(CarnetModel.name == "Carnet 15 entrées (bench)")
    if model is None:
        model = CarnetModel.create(name="Carnet 15 entrées (bench)", billets_count=PER_CARNET,
                                   validity_days=60)
        Tariff.create(model=model, label="Plein tarif", price_cents=550000)
    tariff = Tariff.get(Tariff.model == model)
    per_sale = CARNETS_PER_SALE * PER_CARNET
    sales_count = -(-count // per_sale)
    numbers: list[str] = []

    def next_id(table: str) -> int:
        return (db.execute_sql(f"SELECT MAX(id) FROM {table}").fetchone()[0] or 0) + 1

    def transaction() -> None:
        sale_id, line_id, pay_id, carnet_id = (next_id(t) for t in ("sale", "sale_line", "payment", "carnet"))
        first_number = (db.execute_sql("SELECT MAX(number) FROM sale").fetchone()[0] or 0) + 1
        stamp = datetime.combine(day, datetime.min.time()).replace(hour=9)
        sales, lines, payments, carnets, billets = [], [], [], [], []
        for s in range(sales_count):
            number = first_number + s
            sales.append((sale_id + s, number, "finalized", day, "bench", "Caisse 1", stamp, stamp, stamp))
            lines.append((line_id + s, sale_id + s, 1, "V", model.id, tariff.id, model.name, tariff.label,
                          550000, CARNETS_PER_SALE, 60, valid_until, 550000 * CARNETS_PER_SALE, stamp, False))
            payments.append((pay_id + s, line_id + s, "card", 550000 * CARNETS_PER_SALE,
                             550000 * CARNETS_PER_SALE, 0, stamp))
            for index in range(CARNETS_PER_SALE):
                cid = carnet_id + s * CARNETS_PER_SALE + index
                carnet = numbering.carnet_number(day, number, index)
                carnets.append((cid, sale_id + s, line_id + s, index, carnet, PER_CARNET, day, valid_until))
                for seq in range(1, PER_CARNET + 1):
                    billet = numbering.billet_number(carnet, seq, PER_CARNET)
                    billets.append((cid, seq, billet, "sent", stamp))
                    numbers.append(billet)
        cursor = db.cursor()
        for sql, rows in (
            ("INSERT INTO sale (id, number, status, sale_date, cashier, desk, opened_at, closed_at, "
             "finalized_at) VALUES (" + ", ".join([p] * 9) + ")", sales),
            ("INSERT INTO sale_line (id, sale_id, position, beneficiary_type, model_id, tariff_id, "
             "model_name, tariff_label, unit_price_cents, quantity, validity_days, valid_until, total_cents, "
             "paid_at, "
             "voided) VALUES (" + ", ".join([p] * 15) + ")", lines),
            ("INSERT INTO payment (id, line_id, method, amount_cents, tendered_cents, change_cents, paid_at) "
             "VALUES (" + ", ".join([p] * 7) + ")", payments),
            ("INSERT INTO carnet (id, sale_id, line_id, \"index\", number, billets_count, valid_from, "
             "valid_until) VALUES (" + ", ".join([p] * 8) + ")", carnets),
            ("INSERT INTO billet (carnet_id, seq, number, print_state, sent_at) VALUES ("
             + ", ".join([p] * 5) + ")", billets),
        ):
            cursor.executemany(sql, rows)
        if db.__class__.__name__ == "ServerStore":  # explicit ids: the sequences follow
            for table in ("sale", "sale_line", "payment", "carnet"):
                db.execute_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT MAX(id) FROM {table}))")
        from carnet_tui.store.models import Counter

        Counter.insert(name="sale", value=first_number + sales_count - 1).on_conflict(
            conflict_target=[Counter.name], update={Counter.value: first_number + sales_count - 1}).execute()

    store.write(transaction)
    assert Sale.select().count() >= sales_count
    return numbers[:count]


def _door():  # noqa: ANN202
    try:
        from carnet_tui.services import door
    except ImportError as exc:
        raise Missing(f"carnet_tui.services.door not there: {exc}") from exc
    return door


def checkin_p95_ms_1m(ws: Workspace) -> float:
    """p95 of ``door.check_in`` (verify the QR, read the billet, record the entry and its journal row,
    commit with synchronous=FULL) in a SQLite store of a million billets."""
    door = _door()
    from carnet_tui.domain.context import Context, Role
    from carnet_tui.store import db as store
    from carnet_tui.store.models import Billet

    path = ws.folder / "billets-1m.db"
    store.connect(str(path))
    try:
        started = time.perf_counter()
        numbers = build_billets(BILLETS_1M)
        built = time.perf_counter() - started
        assert Billet.select().count() >= BILLETS_1M
        door.ensure_key()
        rng = random.Random(11)
        picked = rng.sample(numbers, WARMUP + SCANS)
        texts = [door.qr_text(n) for n in picked]
        ctx = Context(1, "bench", Role.CONTROLEUR, "Porte 1", SALE_DAY)
        times = []
        for i, text in enumerate(texts):
            t0 = time.perf_counter()
            verdict = door.check_in(ctx, text)
            elapsed = (time.perf_counter() - t0) * 1000
            assert verdict.accepted, verdict
            if i >= WARMUP:
                times.append(elapsed)
        again = []
        for text in texts[WARMUP:WARMUP + 100]:  # the second scan: refused "déjà utilisé"
            t0 = time.perf_counter()
            assert door.check_in(ctx, text).reason is not None
            again.append((time.perf_counter() - t0) * 1000)
        ws.notes["checkin_p95_ms_1m"] = (
            f"{len(numbers)} billets built by bulk SQL in {built:.1f} s; {SCANS} accepted scans at random "
            f"(after {WARMUP}): median {sorted(times)[len(times) // 2]:.2f} ms; second scans "
            f"(déjà utilisé) p95 {p95(again):.2f} ms; SQLite WAL, synchronous=FULL"
        )
        return p95(times)
    finally:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def scan_to_verdict_p95_ms(ws: Workspace) -> float:
    """Enter typed by the scanner (the QR text and Enter in one burst, as a keyboard wedge sends them)
    to the frame showing the verdict: Pilot at 80×24, a store of the manual's size."""

    door = _door()
    return asyncio.run(_scan_to_verdict(ws, door))


async def _scan_to_verdict(ws: Workspace, door) -> float:  # noqa: ANN001
    from textual import events
    from textual.keys import _character_to_key

    from carnet_tui.domain.context import Context, Role
    from carnet_tui.settings import Settings
    from carnet_tui.store import db as store
    from carnet_tui.ui.app import CarnetApp

    path = ws.folder / "door-ui.db"
    store.connect(str(path))
    numbers = build_billets(600)
    door.ensure_key()
    texts = [door.qr_text(n) for n in numbers[: WARMUP + 200]]
    settings = Settings(db=str(path), data_dir=ws.folder / "door-data")
    ctx = Context(1, "bench", Role.CONTROLEUR, "Porte 1", SALE_DAY)
    app = CarnetApp(settings, today=SALE_DAY, context=ctx)
    times = []
    verdict_at: list[float] = []
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("alt+c")
            await pilot.pause()
            screen = app.screen
            if screen.id != "door-screen":
                raise Missing(f"Alt+C opened {screen!r}")
            frames: list[float] = []
            original = app._display

            def display(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 (each frame sent to the terminal)
                if len(args) > 1 and args[1] is not None:
                    frames.append(time.perf_counter())
                return original(*args, **kwargs)

            app._display = display
            shown_at: list[float] = []
            show = screen.show_verdict

            def show_verdict(result):  # noqa: ANN001, ANN202 (the verdict set on the screen)
                shown_at.append(time.perf_counter())
                return show(result)

            screen.show_verdict = show_verdict
            for i, text in enumerate(texts):
                for char in text:
                    key = char if char.isalnum() else _character_to_key(char)
                    event = events.Key(key, char)
                    event.set_sender(app)
                    app._driver.send_message(event)
                await pilot.pause()  # the text is in the field; now the scanner's Enter
                frames.clear()
                shown_at.clear()
                enter = events.Key("enter", "\r")
                enter.set_sender(app)
                t0 = time.perf_counter()
                app._driver.send_message(enter)
                deadline = t0 + 10
                # the first frame handed to the terminal after the verdict was set
                while not shown_at or not [f for f in frames if f >= shown_at[0]]:
                    await asyncio.sleep(0.0005)
                    if time.perf_counter() > deadline:
                        raise Missing(f"no verdict frame for scan {i} (field "
                                      f"{screen.query_one('#door-scan').value!r})")
                if i >= WARMUP:
                    verdict_at.append((shown_at[0] - t0) * 1000)
                    times.append((min(f for f in frames if f >= shown_at[0]) - t0) * 1000)
                assert screen.last is not None and screen.last.accepted
    finally:
        store.close()
    ws.notes["scan_to_verdict_p95_ms"] = (
        f"{len(times)} scans (after {WARMUP}), median {sorted(times)[len(times) // 2]:.1f} ms (verdict set "
        f"after {sorted(verdict_at)[len(verdict_at) // 2]:.1f} ms, median): Enter sent "
        "through the app's driver → check_in (off the UI thread) → the frame written"
    )
    return p95(times)

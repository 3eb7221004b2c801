"""Service-layer figures: client search over 100 000 clients, and paying a 10 × 15 line."""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

from bench.common import Workspace, desk_context, p95

SEARCHES = 300
SHIPPED = ("journal_mode", "synchronous")
WARMUP = 30


def search_queries(count: int, seed: int = 2019) -> list[tuple[str, str | None]]:
    """1 to 6 letters of a first or last name as the cashier types them, accents kept in a third.

    Names come from the same lists the demo clients are drawn from (Latin, Arabic and French
    script); a fifth of the queries are one letter, the widest prefix. Each query carries the
    beneficiary type as the window sends it (A/V/P), a few none.
    """
    from carnet_tui.services import demo

    words = [w for name in (*demo.LATIN_FIRST, *demo.LATIN_LAST, *demo.FRENCH_FIRST, *demo.FRENCH_LAST,
                            *demo.ARABIC_FIRST, *demo.ARABIC_LAST) for w in name.split()]
    accented = [w for w in words if not w.isascii() and all(ord(c) < 0x250 for c in w)]  # Latin, accents
    rng = random.Random(seed)
    queries = []
    for i in range(count):
        word = rng.choice(accented if i % 3 == 0 else words)
        size = 1 if rng.random() < 0.2 else rng.randint(2, 6)
        text = word[:size]
        text = text.upper() if rng.random() < 0.1 else text.lower() if rng.random() < 0.5 else text
        kind = rng.choice(["A", "V", "P", "A", "V", None])
        queries.append((text, kind))
    return queries


def search_p95_ms(ws: Workspace) -> float:
    from carnet_tui.services import clients
    from carnet_tui.store import db as store

    store.connect(str(ws.big_store()))
    try:
        assert clients.count() >= 100_000
        queries = search_queries(WARMUP + SEARCHES)
        for text, kind in queries[:WARMUP]:  # a counter's cache is warm after the first clients
            clients.search(text, kind)
        times, slow = [], []
        for text, kind in queries[WARMUP:]:
            started = time.perf_counter()
            found = clients.search(text, kind)
            elapsed = (time.perf_counter() - started) * 1000
            times.append(elapsed)
            slow.append((elapsed, text, kind, len(found)))
        slow.sort(reverse=True)
        worst = ", ".join(f"{t!r}/{k} {ms:.2f} ms" for ms, t, k, _n in slow[:3])
        ws.notes["search_p95_ms_100k"] = (
            f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms; slowest: {worst}"
        )
        return p95(times)
    finally:
        store.close()


def pay_line_ms(ws: Workspace, runs: int = 30) -> float:
    """Median of ``runs`` payments of one line of 10 carnets × 15 billets, WAL + synchronous FULL."""
    from carnet_tui.domain.payment import PaymentInput
    from carnet_tui.services import sales
    from carnet_tui.store import db as store
    from carnet_tui.store.models import CarnetModel, Tariff, database

    path: Path = ws.folder / "pay.db"
    store.connect(str(path))
    try:
        pragmas = {p: database.obj.execute_sql(f"PRAGMA {p}").fetchone()[0] for p in SHIPPED}
        assert pragmas == {"journal_mode": "wal", "synchronous": 2}, pragmas

        def seed() -> tuple[int, int]:
            model = CarnetModel.create(name="Carnet 15 entrées", billets_count=15, validity_days=60)
            return model.id, Tariff.create(model=model, label="Plein tarif", price_cents=550000).id

        model_id, tariff_id = store.write(seed)
        request = sales.LineRequest("V", model_id, tariff_id, 10, 60)
        ctx = desk_context()  # signed in, till open: a payment belongs to the desk's session
        times = []
        for _ in range(runs + 3):
            sale_id = sales.open_sale(ctx)
            started = time.perf_counter()
            paid = sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 6_000_000))
            times.append((time.perf_counter() - started) * 1000)
            assert len(paid.carnet_numbers) == 10
            sales.close_sale(ctx, sale_id)
        times = times[3:]  # the first payments also warm the statement cache
        ws.notes["pay_line_ms_10x15"] = (
            f"median of {runs}; p95 {p95(times):.1f} ms, min {min(times):.1f} ms "
            f"(journal_mode=wal, synchronous=FULL, on {path.parent})"
        )
        return statistics.median(times)
    finally:
        store.close()

"""PostgreSQL as the store (issue 9): the drills of test_drill_payment on a real server, the
server restarted during a sale, and the client search finding what SQLite finds on the demo data.
"""

from __future__ import annotations

import json
import os
import random
import signal
import textwrap
import time
from pathlib import Path

import pytest
from support import pg
from support.day import CHILD_CONTEXT
from test_drill_payment import DESK, PAYER, _rows, _spawn, check_store, seed_catalog

from carnet_tui.services import clients, demo
from carnet_tui.store import db as store
from carnet_tui.texts import t

pytestmark = pytest.mark.skipif(not pg.available(), reason="PostgreSQL is not installed here")
SEED = 20191220


@pytest.fixture
def pg_url() -> str:
    store.close()
    yield pg.fresh_database()
    store.close()


def test_eight_desks_pay_fifty_lines_each_on_one_server(pg_url: str, tmp_path: Path) -> None:
    model_id, tariff_id = seed_catalog(pg_url)
    script = tmp_path / "desk.py"
    script.write_text(DESK, encoding="utf-8")
    desks = [_spawn(script, pg_url, model_id, tariff_id, seed) for seed in range(8)]
    for desk in desks:
        assert desk.stdout is not None and desk.stdout.readline().strip() == "ready"
    for desk in desks:
        assert desk.stdin is not None
        desk.stdin.write("go\n")
        desk.stdin.flush()
    reports = []
    for desk in desks:
        out, err = desk.communicate(timeout=180)
        assert out.strip(), f"desk printed nothing (exit {desk.returncode}):\n{err}"
        report = json.loads(out.strip().splitlines()[-1])
        assert report["errors"] == [], report["errors"][:3]  # no error reached a cashier
        assert desk.returncode == 0, err
        assert report["paid"] == 50
        reports.append(report)
    assert max(r["started"] for r in reports) < min(r["ended"] for r in reports)
    numbers = [n for report in reports for n in report["numbers"]]
    assert len(numbers) == len(set(numbers)), "a carnet number was handed to two desks"
    counts = check_store(pg_url)  # no number twice, no gap in the sale numbers, lines whole
    assert counts["lines"] == 400
    assert counts["carnets"] == len(numbers)


def test_kill_9_of_a_desk_mid_payment_leaves_each_line_whole_or_absent(pg_url: str, tmp_path: Path) -> None:
    model_id, tariff_id = seed_catalog(pg_url)
    script = tmp_path / "payer.py"
    script.write_text(PAYER, encoding="utf-8")
    rng = random.Random(SEED)
    acknowledged: set[int] = set()
    for kill in range(8):
        child = _spawn(script, pg_url, model_id, tariff_id, SEED + kill)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, f"payer died on its own:\n{err}"
        acknowledged |= {int(w.split()[1]) for w in out.splitlines() if w.startswith("paid ")}
        check_store(pg_url)
        store.connect(pg_url)
        present = {r[0] for r in _rows("SELECT id FROM sale_line")}
        store.close()
        assert acknowledged <= present, f"acknowledged lines lost: {sorted(acknowledged - present)[:5]}"
    assert len(acknowledged) > 8, "the drill barely paid anything"


# A desk paying lines while the server restarts: it hears "unreachable" through the busy hook (what
# the counter shows), waits, and goes on; every line it was told is paid is in the store.
RESTART_DESK = CHILD_CONTEXT + textwrap.dedent(
    """
    import sys
    from carnet_tui.domain.payment import PaymentInput
    from carnet_tui.services import sales
    from carnet_tui.store import db
    from carnet_tui.texts import t

    url, model_id, tariff_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    db.connect(url)
    ctx = desk_context("Caisse 1")

    def hook(seconds):
        key = "busy.unreachable" if db.waiting_for() == "unreachable" else "busy.locked"
        print("wait", t(key, seconds=int(seconds)), flush=True)

    print("ready", flush=True)
    errors = 0
    with db.busy_hook(hook):
        sale = sales.open_sale(ctx)
        for n in range(int(sys.argv[4])):
            try:
                line = sales.pay_line(ctx, sale, sales.LineRequest("V", model_id, tariff_id, 1, 60),
                                      PaymentInput("card"))
                print("paid", line.line_id, flush=True)
            except Exception as exc:
                print("error", type(exc).__name__, exc, flush=True)
                errors += 1
        sales.close_sale(ctx, sale)
    print("done", errors, flush=True)
    """
)


def test_server_restarted_during_a_sale_the_desk_says_so_retries_and_loses_nothing(
    pg_url: str, tmp_path: Path
) -> None:
    if os.environ.get(pg.ENV):
        pytest.skip("the server of CARNET_TEST_PG is not ours to restart")
    model_id, tariff_id = seed_catalog(pg_url)
    script = tmp_path / "restart_desk.py"
    script.write_text(RESTART_DESK, encoding="utf-8")
    child = _spawn(script, pg_url, model_id, tariff_id, 400)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    seen: list[str] = []
    while sum(1 for line in seen if line.startswith("paid ")) < 20:
        seen.append(child.stdout.readline().strip())
        assert seen[-1], child.stderr.read() if child.stderr else ""
    pg.restart()
    out, err = child.communicate(timeout=120)
    lines = seen + out.splitlines()
    assert child.returncode == 0, err
    assert lines[-1] == "done 0", [w for w in lines if w.startswith("error")][:3]
    said = [w for w in lines if w.startswith("wait ")]
    assert any(t("busy.unreachable", seconds=0).split("(")[0].strip() in w for w in said), said[:3]
    assert said[0].startswith("wait Serveur de la base injoignable")
    paid = {int(w.split()[1]) for w in lines if w.startswith("paid ")}
    assert len(paid) == 400
    counts = check_store(pg_url)
    store.connect(pg_url)
    present = {r[0] for r in _rows("SELECT id FROM sale_line")}
    store.close()
    assert paid <= present and counts["lines"] == 400


def test_an_unreachable_server_is_refused_in_french() -> None:
    from carnet_tui.domain.errors import DomainError

    with pytest.raises(DomainError) as caught:
        store.connect("postgresql://nobody:secret@127.0.0.1:1/carnet")
    assert caught.value.key == "err.db.unreachable"
    assert caught.value.message.startswith("Le serveur de la base de données ne répond pas")
    assert "secret" not in caught.value.message


# the manual's and the demo's searches: typed as a cashier types them, accents and case aside
QUERIES = ["elodie", "élodie cher", "ELODIE CHER", "cher", "محمد", "محمد العل", "ABO-0001", "PAR-0001",
           "0661", "06", "benj", "fatima zahra", "zahra benj", "a", "e", "el", "mo", "x y", "abo", "par 0001"]


def test_search_finds_on_postgresql_what_sqlite_finds_on_the_demo_data(pg_url: str, tmp_path: Path) -> None:
    found: dict[str, dict[tuple[str, str | None], list[str]]] = {}
    for name, location in (("sqlite", str(tmp_path / "demo.db")), ("pg", pg_url)):
        store.connect(location)
        assert demo.load_demo()
        found[name] = {
            (q, kind): sorted(c.name for c in clients.search(q, kind, limit=200))
            for q in QUERIES
            for kind in (None, "A")
        }
        store.close()
    assert found["pg"] == found["sqlite"]
    assert found["pg"][("élodie cher", None)] == ["Élodie Chérif"]
    assert sum(len(v) for v in found["pg"].values()) > len(QUERIES)


def test_a_write_waiting_for_another_desks_write_is_retried_and_said_busy(pg_url: str) -> None:
    import threading

    from carnet_tui.store.models import Setting

    store.connect(pg_url)
    other = pg.connect_raw(pg_url)  # another desk, in the middle of a write transaction
    other.autocommit = False
    other.execute("SELECT pg_advisory_xact_lock(%s)", (store.WRITE_LOCK_KEY,))
    threading.Timer(1.0, other.commit).start()
    heard: list[tuple[float, str]] = []
    store.write(lambda: Setting.create(key="essai", value="1"),
                on_busy=lambda s: heard.append((s, store.waiting_for())))
    other.close()
    assert heard and {kind for _, kind in heard} == {"busy"}  # said "occupée", never an error
    assert 0.5 < heard[-1][0] < 5
    assert Setting.get_by_id("essai").value == "1"

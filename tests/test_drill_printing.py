"""Fault drill on printing: kill -9 the printing process mid-carnet, again and again, then resume.

A real ``file:`` printer (python-escpos, append mode) records every byte that left. After each
kill: the store is whole, every carnet not fully sent (the one cut short and those never started)
is offered by ``unfinished_carnets()``, and the next run prints only what is missing (a billet
caught ``pending`` comes out again as DUPLICATA).

The kill is triggered from progress, not from a clock: once a random number of billets (1 to
``STEP_MAX``) came out of this run, after a random few milliseconds (anywhere in the next billet:
its claim, its bytes, its commit). The run is never let finish by a slow start or a fast machine.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pytest
from support.day import CHILD_CONTEXT, counter_context
from test_drill_payment import check_store, seed_catalog

from carnet_tui.domain.payment import PaymentInput
from carnet_tui.services import sales
from carnet_tui.store import db as store
from carnet_tui.store.models import database

printing = pytest.importorskip("carnet_tui.services.printing")

REPO = Path(__file__).resolve().parents[1]
KILLS = 20
SEED = 815
STEP_MAX = 18  # billets a run prints at most before its kill: 20 × 18 < 480, the sale never ends early
RESET = b"\x1b@"  # every billet document starts with ESC @
BILLET_NUMBER = re.compile(rb"\d{8}-\d+[A-Z]*-\d{3}")

PRINTER = CHILD_CONTEXT + textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from carnet_tui.services import printing, sales
    from carnet_tui.settings import PrinterSettings, Settings
    from carnet_tui.store import db

    path, out, data_dir, sale_id = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    db.connect(path)
    ctx = desk_context("Caisse 1")
    settings = Settings(db=path, printer=PrinterSettings(url="file:" + out), data_dir=Path(data_dir))
    print("ready", flush=True)
    for carnet in sales.sale_carnets(sale_id):
        printing.print_carnet(ctx, carnet.carnet_id, settings)
    print("done", flush=True)
    """
)


def _closed_sale(path: str, lines: int, quantity: int) -> int:
    model_id, tariff_id = seed_catalog(path)
    store.connect(path)
    ctx = counter_context()
    sale_id = sales.open_sale(ctx)
    for _ in range(lines):
        request = sales.LineRequest("V", model_id, tariff_id, quantity, 60)
        sales.pay_line(ctx, sale_id, request, PaymentInput("card"))
    sales.close_sale(ctx, sale_id)
    store.close()
    return sale_id


def _billet_states(path: str) -> dict[int, list[tuple[str, str]]]:
    """carnet id -> [(billet number, print state)] in seq order."""
    store.connect(path)
    rows = database.obj.execute_sql(
        "SELECT carnet_id, number, print_state FROM billet ORDER BY carnet_id, seq"
    ).fetchall()
    store.close()
    states: dict[int, list[tuple[str, str]]] = {}
    for carnet_id, number, state in rows:
        states.setdefault(carnet_id, []).append((number, state))
    return states


def _documents(data: bytes) -> list[tuple[str | None, bool]]:
    """(billet number, is DUPLICATA) of each billet document in the printer's output."""
    docs = []
    for chunk in data.split(RESET)[1:]:
        found = BILLET_NUMBER.search(chunk)
        docs.append((found.group().decode() if found else None, b"DUPLICATA" in chunk))
    return docs


def _billets_out(out: Path) -> int:
    return out.read_bytes().count(RESET) if out.exists() else 0


def _kill_after_billets(child: subprocess.Popen, out: Path, rng: random.Random) -> None:
    """SIGKILL once ``1..STEP_MAX`` more billets came out, plus 0–6 ms (a billet takes ~5 ms)."""
    target = _billets_out(out) + rng.randint(1, STEP_MAX)
    deadline = time.monotonic() + 60
    while _billets_out(out) < target:
        assert child.poll() is None, f"printer process ended before its kill:\n{child.stderr.read()}"
        assert time.monotonic() < deadline, "the printer process stopped making progress"
        time.sleep(0.001)
    time.sleep(rng.uniform(0, 0.006))
    os.kill(child.pid, signal.SIGKILL)


def test_kill_9_while_printing_then_resume_prints_only_what_is_missing(tmp_path: Path) -> None:
    path = str(tmp_path / "print.db")
    out = tmp_path / "out.bin"
    sale_id = _closed_sale(path, lines=4, quantity=8)  # 32 carnets, 480 billets: more than 20 kills print
    script = tmp_path / "printer.py"
    script.write_text(PRINTER, encoding="utf-8")
    rng = random.Random(SEED)
    # python-escpos 3.1 caches its parsed capabilities in a fresh mkdtemp() per process unless told
    # where: one folder for all the children saves ~0.3 s each and leaves nothing behind in /tmp
    env = dict(os.environ, ESCPOS_CAPABILITIES_PICKLE_DIR=str(tmp_path))
    args = [sys.executable, str(script), path, str(out), str(tmp_path / "data"), str(sale_id)]
    kills = mid_carnet = caught_pending = 0
    pending_at_kill: set[str] = set()
    previous: tuple[int, set[str]] | None = None  # (output size, billets sent) at the last kill

    def resumed_only_missing() -> None:
        if previous is None:
            return
        offset, sent_before = previous
        again = [n for n, _ in _documents(out.read_bytes()[offset:]) if n in sent_before]
        assert again == [], f"the resumed run printed billets already sent: {again[:5]}"

    for _ in range(KILLS * 2):
        if kills == KILLS:
            break
        child = subprocess.Popen(
            args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        _kill_after_billets(child, out, rng)
        _, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, f"printer process died on its own:\n{err}"
        kills += 1
        resumed_only_missing()

        check_store(path)
        states = _billet_states(path)
        pending = [n for billets in states.values() for n, s in billets if s == "pending"]
        assert len(pending) <= 1, f"one printer prints one billet at a time: {pending}"
        for billets in states.values():
            pattern = "".join({"sent": "s", "pending": "p", "unprinted": "u"}[s] for _, s in billets)
            assert re.fullmatch(r"s*p?u*", pattern), f"billets printed out of order: {pattern}"
        midway = {
            cid for cid, billets in states.items() if {s for _, s in billets} not in ({"sent"}, {"unprinted"})
        }
        mid_carnet += bool(midway)
        caught_pending += bool(pending)
        pending_at_kill.update(pending)
        # the sale is closed, not finalized: every carnet not fully sent is owed, started or not
        owed = {cid for cid, billets in states.items() if {s for _, s in billets} != {"sent"}}
        assert midway <= owed
        store.connect(path)
        offered = {c.carnet_id for c in printing.unfinished_carnets()}
        store.close()
        assert offered == owed, f"carnets offered {sorted(offered)}, not fully sent {sorted(owed)}"
        sent = {n for billets in states.values() for n, s in billets if s == "sent"}
        previous = (out.stat().st_size if out.exists() else 0, sent)

    # the cashier starts the app again and prints what is left, to the end
    final = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=90)
    assert final.returncode == 0, final.stderr
    assert final.stdout.split() == ["ready", "done"]
    resumed_only_missing()
    assert kills == KILLS
    print(f"{kills} kills, {mid_carnet} mid-carnet, {caught_pending} with a billet caught pending")
    assert mid_carnet >= KILLS // 2, f"only {mid_carnet} kills landed mid-carnet"
    # the end: every billet sent, each printed once as original (a second copy only as DUPLICATA)
    states = _billet_states(path)
    assert {s for billets in states.values() for _, s in billets} == {"sent"}
    docs = _documents(out.read_bytes())
    originals = Counter(n for n, dup in docs if n and not dup)
    assert max(originals.values()) == 1, [n for n, c in originals.items() if c > 1][:5]
    duplicates = {n for n, dup in docs if dup}
    assert duplicates <= pending_at_kill, (
        f"DUPLICATA of billets never caught pending: {duplicates - pending_at_kill}"
    )
    every = {n for billets in states.values() for n, _ in billets}
    assert {n for n, _ in docs if n} == every
    store.connect(path)
    assert printing.unfinished_carnets() == []
    assert {c.print_status for c in sales.sale_carnets(sale_id)} == {"printed"}
    store.close()

"""PostgreSQL figures (issue 9), on a server on this machine: paying a 10 × 15 line, the client
search over 100 000 clients, and eight desks paying one-carnet lines at once.

The server is ``CARNET_BENCH_PG`` (a URL to an empty database) or a cluster started here for the
run, as shipped: fsync and synchronous_commit on (a paid line survives a power cut), on a Unix
socket, run by an unprivileged user; stopped and removed at the end of the run.
"""

from __future__ import annotations

import atexit
import glob
import json
import os
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from bench.common import REPO, Missing, Workspace, desk_context, p95
from bench.store_bench import SEARCHES, WARMUP, search_queries

_server: dict[str, object] = {}


def _run(user: str | None, args: list[str]) -> None:
    cmd = ["runuser", "-u", user, "--", *args] if user else args
    done = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]}: {done.stderr.strip()}")


def _stop() -> None:
    if "root" in _server:
        root, user, bins = _server.pop("root"), _server.pop("user"), _server.pop("bins")
        try:
            _run(user, [f"{bins}/pg_ctl", "-D", f"{root}/data", "-m", "fast", "-w", "stop"])  # type: ignore[list-item]
        except RuntimeError:
            pass
        shutil.rmtree(str(root), ignore_errors=True)


def database(name: str) -> str:
    """The URL of a new, empty database ``name`` on the benchmark server."""
    if os.environ.get("CARNET_BENCH_PG"):
        url = os.environ["CARNET_BENCH_PG"]
        _reset(url)
        return url
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise Missing("psycopg not installed (pip install -e '.[postgresql]')") from exc
    if "root" not in _server:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        bins = str(Path(shutil.which("pg_ctl") or (found[-1] if found else "")).resolve().parent)
        if not Path(bins, "initdb").exists():
            raise Missing("PostgreSQL server not installed (apt-get install postgresql)")
        user = None
        if os.geteuid() == 0:
            user = next(u for u in ("postgres", "nobody") if _exists(u))
        root = Path(tempfile.mkdtemp(prefix="carnet-bench-pg-"))
        os.chmod(root, 0o755)
        if user:
            shutil.chown(root, user)
        _run(user, [f"{bins}/initdb", "-D", f"{root}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8"])
        _run(user, [f"{bins}/pg_ctl", "-D", f"{root}/data", "-l", f"{root}/log", "-w", "-o",
                    f"-k {root} -c listen_addresses='' -c max_connections=40", "start"])
        _server.update(root=root, user=user, bins=bins)
        atexit.register(_stop)
    root = _server["root"]
    _run(_server["user"], [f"{_server['bins']}/createdb", "-h", str(root), "-U", "postgres", name])  # type: ignore[list-item]
    return f"postgresql://postgres@/{name}?host={root}"


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
        return True
    except KeyError:
        return False


def _reset(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


def _seed(url: str) -> tuple[int, int]:
    from carnet_tui.store import db as store
    from carnet_tui.store.models import CarnetModel, Tariff

    store.connect(url)

    def seed() -> tuple[int, int]:
        model = CarnetModel.create(name="Carnet 15 entrées", billets_count=15, validity_days=60)
        return model.id, Tariff.create(model=model, label="Plein tarif", price_cents=550000).id

    return store.write(seed)


def pay_line_ms_pg(ws: Workspace, runs: int = 30) -> float:
    """Median of ``runs`` payments of one line of 10 carnets × 15 billets on the server."""
    from carnet_tui.domain.payment import PaymentInput
    from carnet_tui.services import sales
    from carnet_tui.store import db as store

    url = database("bench_pay")
    try:
        model_id, tariff_id = _seed(url)
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
        times = times[3:]
        ws.notes["pay_line_ms_10x15_pg"] = (
            f"median of {runs}; p95 {p95(times):.1f} ms, min {min(times):.1f} ms (fsync on, Unix socket)"
        )
        return statistics.median(times)
    finally:
        store.close()


def search_p95_ms_pg(ws: Workspace) -> float:
    """The 100k store copied to the server with ``carnet-tui copy``, then the same 300 searches."""
    from carnet_tui.services import clients
    from carnet_tui.store import db as store

    url = database("bench_search")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "carnet_tui", "copy", "--from", str(ws.big_store()), "--to", url],
                   check=True, capture_output=True, cwd=REPO, env=ws.env())
    copied = time.perf_counter() - started
    store.connect(url)
    try:
        from carnet_tui.store.models import database as bound

        bound.obj.execute_sql("ANALYZE")
        queries = search_queries(SEARCHES + WARMUP)
        for text, kind in queries[:WARMUP]:
            clients.search(text, kind)
        times = []
        for text, kind in queries[WARMUP:]:
            t0 = time.perf_counter()
            clients.search(text, kind)
            times.append((time.perf_counter() - t0) * 1000)
        ws.notes["search_p95_ms_100k_pg"] = (
            f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms; "
            f"{clients.count()} clients copied from SQLite by carnet-tui copy in {copied:.1f} s"
        )
        return p95(times)
    finally:
        store.close()


DESK = textwrap.dedent(
    """
    import json, sys, time
    from carnet_tui.domain.payment import PaymentInput
    from carnet_tui.services import sales
    from carnet_tui.services import people, till
    from carnet_tui.store import db

    url, model_id, tariff_id, lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    db.connect(url)
    desk = sys.argv[5]  # each desk its cashier and its own till (bench.common.desk_context's steps)
    people.add_user(desk, "caissier", "1234")
    ctx = people.sign_in(desk, "1234", desk)
    ctx = ctx.with_session(till.open_till(ctx, {}).id)
    sale = sales.open_sale(ctx)
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.time()
    for n in range(lines):
        sales.pay_line(ctx, sale, sales.LineRequest("V", model_id, tariff_id, 1, 60), PaymentInput("card"))
        if n % 5 == 4:
            sales.close_sale(ctx, sale)
            sale = sales.open_sale(ctx)
    print(json.dumps({"started": started, "ended": time.time()}), flush=True)
    """
)


def desks8_lines_per_s_pg(ws: Workspace, desks: int = 8, lines: int = 50) -> float:
    """Eight processes paying one-carnet lines at once: committed lines a second, first start to last end."""
    from carnet_tui.store import db as store

    url = database("bench_desks")
    model_id, tariff_id = _seed(url)
    store.close()
    script = ws.folder / "pg_desk.py"
    script.write_text(DESK, encoding="utf-8")
    args = [sys.executable, str(script), url, str(model_id), str(tariff_id), str(lines)]
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    procs = [subprocess.Popen([*args, f"Caisse {n + 1}"], text=True, cwd=REPO, env=ws.env(), **pipes)
             for n in range(desks)]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        if proc.returncode != 0:
            raise RuntimeError(err.strip().splitlines()[-1] if err.strip() else "a desk failed")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    seconds = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
    store.connect(url)
    from carnet_tui.store.models import SaleLine

    committed = SaleLine.select().count()
    store.close()
    assert committed == desks * lines, committed
    ws.notes["desks8_lines_per_s_pg"] = (
        f"{committed} lines by {desks} processes in {seconds:.2f} s (fsync on, one write lock)"
    )
    return committed / seconds

"""``make bench``: measure, print a table, write bench/results.json (exactly the issue's keys).

A figure whose part is missing or fails is null, with a note saying why; the others still run.
The 100 000-client store is built once per run in a temporary folder and thrown away after.
"""

from __future__ import annotations

import json
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench import day_bench, door_bench, pg_bench, print_bench, signin_bench, store_bench, ui_bench
from bench.common import Missing, Workspace

RESULTS = Path(__file__).with_name("results.json")

# key: (goal, unit, lower is better) — the order is the table's
GOALS: dict[str, tuple[float, str]] = {
    "startup_ratio": (1.3, "×"),
    "search_p95_ms_100k": (5, "ms"),
    "keystroke_p95_ms_100k": (50, "ms"),
    "pay_line_ms_10x15": (30, "ms"),
    "bytes_per_billet": (350, "B"),
    "render_ms_per_billet": (2, "ms"),
    "rss_mb_100k": (120, "MB"),
    "ssh_bytes_per_keystroke": (250, "B"),
    # the wire through a real sshd (bench/wire_bench.py); ssh_bytes_per_keystroke is measured there too
    "ssh_bytes_zone_change": (1500, "B"),
    "ssh_bytes_list_arrow": (300, "B"),
    "ssh_bytes_manual_sale": (40_000, "B"),
    "ssh_ms_manual_sale_64k": (15_000, "ms"),
    "sale_ready_ratio": (1.6, "×"),
    "pay_line_ms_10x15_pg": (40, "ms"),
    "search_p95_ms_100k_pg": (10, "ms"),
    "desks8_lines_per_s_pg": (100, "lines/s"),
    # a year of one desk: 100 000 sales, 1.5 million billets (bench/day_bench.py)
    "z_report_ms_1y": (300, "ms"),
    "journal_verify_s_1y": (10, "s"),
    "signin_ms": (100, "ms"),
    "checkin_p95_ms_1m": (10, "ms"),
    "scan_to_verdict_p95_ms": (50, "ms"),
}
HIGHER_IS_BETTER = {"desks8_lines_per_s_pg"}


def ssh_bytes_per_keystroke(ws: Workspace) -> float:
    """The UI helper's measure (bench/ssh_bytes.py), given the 100k store if it takes one."""
    import inspect

    try:
        from bench.ssh_bytes import measure_ssh_bytes_per_keystroke
    except ImportError as exc:
        raise Missing(f"bench/ssh_bytes.py not there: {exc}") from exc
    params = inspect.signature(measure_ssh_bytes_per_keystroke).parameters
    for name in ("db", "db_path", "path", "database"):
        if name in params:
            return measure_ssh_bytes_per_keystroke(**{name: str(ws.big_store())})
    return measure_ssh_bytes_per_keystroke()


def _wire(key: str) -> Callable[[Workspace], float]:
    """One figure of the SSH run (bench/wire_bench.py: one sshd session gives them all)."""

    def measure(ws: Workspace) -> float:
        from bench import wire_bench

        if "wire" not in ws.cache:
            ws.cache["wire"] = wire_bench.measure(ws)
        return ws.cache["wire"][key]

    return measure


def _sale_ready(ws: Workspace) -> float:
    from bench import wire_bench

    return wire_bench.sale_ready_ratio(ws)


MEASURES: dict[str, Callable[[Workspace], float]] = {
    "search_p95_ms_100k": store_bench.search_p95_ms,
    "pay_line_ms_10x15": store_bench.pay_line_ms,
    "bytes_per_billet": print_bench.bytes_per_billet,
    "render_ms_per_billet": print_bench.render_ms_per_billet,
    "startup_ratio": ui_bench.startup_ratio,
    "keystroke_p95_ms_100k": ui_bench.keystroke_p95_ms,
    "rss_mb_100k": ui_bench.rss_mb,
    # through sshd now (bench/ssh_bytes.py measures a bare pty)
    "ssh_bytes_per_keystroke": _wire("ssh_bytes_per_keystroke"),
    "ssh_bytes_zone_change": _wire("ssh_bytes_zone_change"),
    "ssh_bytes_list_arrow": _wire("ssh_bytes_list_arrow"),
    "ssh_bytes_manual_sale": _wire("ssh_bytes_manual_sale"),
    "ssh_ms_manual_sale_64k": _wire("ssh_ms_manual_sale_64k"),
    "sale_ready_ratio": _sale_ready,
    "pay_line_ms_10x15_pg": pg_bench.pay_line_ms_pg,
    "search_p95_ms_100k_pg": pg_bench.search_p95_ms_pg,
    "desks8_lines_per_s_pg": pg_bench.desks8_lines_per_s_pg,
    "z_report_ms_1y": day_bench.z_report_ms_1y,
    "journal_verify_s_1y": day_bench.journal_verify_s_1y,
    "signin_ms": signin_bench.signin_ms,
    "checkin_p95_ms_1m": door_bench.checkin_p95_ms_1m,
    "scan_to_verdict_p95_ms": door_bench.scan_to_verdict_p95_ms,
}


def run(only: list[str] | None = None) -> dict[str, float | None]:
    results: dict[str, float | None] = dict.fromkeys(GOALS)
    with tempfile.TemporaryDirectory(prefix="carnet-bench-") as folder:
        ws = Workspace(Path(folder))
        for key, measure in MEASURES.items():
            if only and key not in only:
                ws.notes[key] = "not run (--only)"
                continue
            started = time.perf_counter()
            print(f"… {key}", file=sys.stderr, flush=True)
            try:
                value = measure(ws)
                results[key] = round(float(value), 3)
            except Missing as exc:
                ws.notes[key] = f"null: {exc}"
                if key == "ssh_bytes_per_keystroke" and "pty_bytes_per_key" in ws.notes:
                    ws.notes[key] += f"; {ws.notes['pty_bytes_per_key']}"
            except Exception as exc:  # noqa: BLE001 (one broken figure must not hide the others)
                traceback.print_exc()
                ws.notes[key] = f"null: {type(exc).__name__}: {exc}"[:300]
            print(f"  {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        _table(results, ws.notes)
    if only:  # a partial run must not leave a results file full of nulls
        print("\n--only: bench/results.json not written")
        return results
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return results


def _table(results: dict[str, float | None], notes: dict[str, str]) -> None:
    print(f"\ncarnet-tui benchmarks · {platform.node()} · Python {platform.python_version()} · {_cpu()}")
    if "store" in notes:
        print(notes["store"])
    print(f"\n{'figure':<26} {'value':>10} {'goal':>9}  verdict")
    for key, (goal, unit) in GOALS.items():
        value = results[key]
        shown = "null" if value is None else f"{value:g} {unit}"
        higher = key in HIGHER_IS_BETTER
        met = value is not None and (value >= goal if higher else value <= goal)
        verdict = "—" if value is None else "ok" if met else f"MISS ×{value / goal:.2f}"
        sign = "≥" if higher else "≤"
        print(f"{key:<26} {shown:>10} {f'{sign} {goal:g} {unit}':>11}  {verdict}")
    print()
    for key in GOALS:
        if key in notes:
            print(f"{key}: {notes[key]}")


def _cpu() -> str:
    import os

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPU {model}".strip()


if __name__ == "__main__":
    run(sys.argv[sys.argv.index("--only") + 1 :] if "--only" in sys.argv else None)

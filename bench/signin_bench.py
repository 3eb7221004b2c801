"""signin_ms: Enter on the PIN → the home screen's frame (Pilot, 80×24), and the counter the other
benches sign in to (a cashier with a known PIN, the desk's till open).

    .venv/bin/python -m bench.signin_bench
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, Missing, Workspace

BENCH_USER = "caisse-bench"
BENCH_PIN = "1234"
SIGN_IN_KEYS = BENCH_PIN.encode() + b"\r"  # what a terminal sends: the PIN typed, Enter
RUNS = 15

_READY = """
import sys
from carnet_tui.services import people, till
from carnet_tui.settings import CounterSettings
from carnet_tui.store import db
db.connect(sys.argv[1])
name, pin = sys.argv[2], sys.argv[3]
if name not in {u.name for u in people.list_users()}:
    people.add_user(name, "caissier", pin)
ctx = people.sign_in(name, pin, CounterSettings().desk)
if ctx.session_id is None:
    till.open_till(ctx, {})
db.close()
"""


def ready_counter(store: Path | str, env: dict[str, str] | None = None) -> None:
    """The bench cashier in ``store`` and the default desk's till open (a payment needs it). In a
    child process: the caller's own store connection is left alone."""
    subprocess.run([sys.executable, "-c", _READY, str(store), BENCH_USER, BENCH_PIN], check=True,
                   capture_output=True, cwd=REPO, env=env, timeout=120)


def bench_context(today=None):  # noqa: ANN001, ANN201 - a date; a Context
    """The bench cashier signed in, for an app started in this process (the store connected)."""
    from carnet_tui.services import people
    from carnet_tui.settings import CounterSettings

    return people.sign_in(BENCH_USER, BENCH_PIN, CounterSettings().desk, today=today)


def signin_ms(ws: Workspace) -> float:
    try:
        from carnet_tui.ui.screens.signin import SignInScreen  # noqa: F401
    except ImportError as exc:
        raise Missing(f"carnet_tui.ui.screens.signin not there: {exc}") from exc
    store = ws.folder / "signin.db"
    if not store.exists():
        subprocess.run([sys.executable, "-m", "carnet_tui", "--db", str(store), "init", "--demo"],
                       check=True, capture_output=True, cwd=REPO, env=ws.env(), timeout=120)
        ready_counter(store, ws.env())
    times = asyncio.run(_sign_ins(ws, store))
    ws.notes["signin_ms"] = (f"median of {len(times)} sign-ins (min {min(times):.0f}, "
                             f"max {max(times):.0f} ms), scrypt included, "
                             "Enter posted → first frame of the home screen")
    return statistics.median(times)


async def _sign_ins(ws: Workspace, store: Path) -> list[float]:
    """Sign in, time it, F12 (Changer de caissier) back to the sign-in screen, again."""
    from dataclasses import replace

    from carnet_tui import settings as settings_module
    from carnet_tui.store import db
    from carnet_tui.ui.app import CarnetApp
    from carnet_tui.ui.screens.home import HomeScreen
    from carnet_tui.ui.screens.signin import SignInScreen

    settings = replace(settings_module.Settings(db=str(store)), data_dir=ws.folder / "data")
    db.connect(str(store))
    times: list[float] = []
    try:
        app = CarnetApp(settings)
        async with app.run_test(size=(80, 24)) as pilot:
            display = app._display
            marks: dict[str, float] = {}

            def display_frame(*args: object, **kwargs: object) -> None:
                if "drawn" not in marks and isinstance(app.screen, HomeScreen):
                    marks["drawn"] = time.perf_counter()
                display(*args, **kwargs)

            app._display = display_frame
            for _ in range(RUNS + 1):  # the first one warms up (imports of the home screen's path)
                await _wait(pilot, lambda: isinstance(app.screen, SignInScreen)
                            and app.screen._loaded.is_set())
                screen = app.screen
                screen.name_options(screen.names, BENCH_USER)
                for char in BENCH_PIN:
                    await pilot.press(char)
                await pilot.pause()
                marks.clear()
                started = time.perf_counter()
                press = asyncio.create_task(pilot.press("enter"))
                while "drawn" not in marks:
                    if time.perf_counter() - started > 10:
                        raise TimeoutError("the home screen was never drawn")
                    await asyncio.sleep(0.0002)
                times.append((marks["drawn"] - started) * 1000)
                await press
                await pilot.pause()
                await pilot.press("f12")
        return times[1:]
    finally:
        db.close()


async def _wait(pilot, condition, seconds: float = 30.0) -> None:  # noqa: ANN001
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("never got there")
        await pilot.pause(0.01)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="carnet-signin-") as folder:
        ws = Workspace(Path(folder))
        print("signin_ms", round(signin_ms(ws), 1))
        print(ws.notes["signin_ms"])


if __name__ == "__main__":
    main()

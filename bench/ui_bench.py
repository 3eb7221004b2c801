"""What the cashier feels in the terminal: start-up, a keystroke in the client search, memory."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time

from bench.common import Missing, PtyProcess, Workspace, p95
from bench.signin_bench import SIGN_IN_KEYS, bench_context
from bench.store_bench import search_queries

STARTS = 5
BARE_APP = '''
from textual.app import App
from textual.widgets import Label


class Bare(App):
    def compose(self):
        yield Label("Bonjour")


Bare().run()
'''
BARE_MARKER = b"Bonjour"


def _home_marker() -> bytes:
    from carnet_tui.texts import t

    return t("signin.title").encode()  # the sign-in screen's title: the first screen drew


def _app_argv(ws: Workspace) -> list[str]:
    try:
        import carnet_tui.ui.app  # noqa: F401
    except ImportError as exc:
        raise Missing(f"carnet_tui.ui.app not there: {exc}") from exc
    return [sys.executable, "-m", "carnet_tui", "--db", str(ws.big_store())]


def _bare_argv(ws: Workspace) -> list[str]:
    script = ws.folder / "bare_app.py"
    script.write_text(BARE_APP, encoding="utf-8")
    return [sys.executable, str(script)]


def _first_frame(argv: list[str], marker: bytes, ws: Workspace, linger: float = 0.0) -> float:
    """Seconds from spawn to the marker in the pty output; ``linger``: then left running that long."""
    proc = PtyProcess(argv, ws.env())
    try:
        shown = proc.read_until(marker)
        time.sleep(linger)
        return shown
    finally:
        proc.stop()


# the unmeasured first launch lives as a counter's previous login did: long enough for what it
# keeps between starts (the parsed stylesheets, saved a few seconds after the start: ui/css_cache.py)
WARM_LINGER_S = 4.0


def startup_ratio(ws: Workspace) -> float:
    """Launch → first frame (marker text written to the pty), app / bare Label app, median of 5.

    Both run under an 80×24 pseudo-terminal with the same interpreter; the runs alternate so that
    disk cache and CPU load touch both alike; one unmeasured launch of each warms the caches.
    """
    app_argv, bare_argv, marker = _app_argv(ws), _bare_argv(ws), _home_marker()
    _first_frame(app_argv, marker, ws, linger=WARM_LINGER_S)
    _first_frame(bare_argv, BARE_MARKER, ws)
    app, bare = [], []
    for _ in range(STARTS):
        app.append(_first_frame(app_argv, marker, ws))
        bare.append(_first_frame(bare_argv, BARE_MARKER, ws))
    ws.notes["startup_ratio"] = (
        f"home screen {statistics.median(app) * 1000:.0f} ms / bare Label app "
        f"{statistics.median(bare) * 1000:.0f} ms (medians of {STARTS}, 100k-client store)"
    )
    return statistics.median(app) / statistics.median(bare)


def rss_mb(ws: Workspace) -> float:
    """Peak RSS of the real app in a pty: home, Alt+A, type a name in the search, quit."""
    argv = _app_argv(ws)
    proc = PtyProcess(argv, ws.env())
    try:
        proc.read_until(_home_marker())
        proc.send(SIGN_IN_KEYS + b"\x1ba")  # the PIN, Enter, Alt+A
        proc.settle()
        sizes = []
        for char in "moha":
            before = len(proc.output)
            proc.send(char.encode())
            proc.settle(0.2)
            sizes.append(len(proc.output) - before)
        proc.send(b"\x7f\x7f\x7f\x7f")
        proc.settle()
        for char in "élo":
            before = len(proc.output)
            proc.send(char.encode())
            proc.settle(0.2)
            sizes.append(len(proc.output) - before)
        ws.notes["pty_bytes_per_key"] = (
            f"seen while measuring RSS (real app, 80×24 pty, xterm-256color): "
            f"{statistics.median(sizes):.0f} B "
            f"written per character typed in #client-search (median of {len(sizes)}: {sizes})"
        )
    finally:
        kb = proc.stop()
    bare = PtyProcess(_bare_argv(ws), ws.env())
    try:
        bare.read_until(BARE_MARKER)
        bare.settle()
    finally:
        bare_kb = bare.stop()
    ws.notes["rss_mb_100k"] = (
        f"ru_maxrss after searches 'moha', 'élo'; the bare Label app: {bare_kb / 1024:.0f} MB"
    )
    return kb / 1024


def keystroke_p95_ms(ws: Workspace) -> float:
    try:
        from carnet_tui.ui.app import CarnetApp
    except ImportError as exc:
        raise Missing(f"carnet_tui.ui.app not there: {exc}") from exc
    return asyncio.run(_keystrokes(ws, CarnetApp))


async def _keystrokes(ws: Workspace, app_class: type) -> float:
    """Pilot: a key pressed in #client-search until the frame showing its results is drawn.

    The clock starts when the key event is posted. It stops at the first frame the app hands
    to its driver (``App._display``) after the screen's ``show_clients`` (the callback the
    search worker gives its rows to) has filled ``#client-results``: the moment the cashier
    could see the answer. ``pilot.press`` itself is not the stopwatch: it then waits for the
    process to go idle (two 20 ms sleeps at least), which the cashier never waits for.
    """
    from dataclasses import replace

    from carnet_tui import settings as settings_module
    from carnet_tui.store import db as store

    path = ws.big_store()
    settings = replace(settings_module.Settings(db=str(path)), data_dir=ws.folder / "data")
    store.connect(str(path))
    words = sorted({text for text, _kind in search_queries(80, seed=7) if len(text) >= 3})[:40]
    times: list[float] = []
    answers: list[float] = []
    redrawn: list[float] = []  # the keys whose answer changed the list: a frame had to be drawn
    unchanged = [0]
    try:
        app = app_class(settings, context=bench_context())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("alt+a")
            await pilot.pause()
            screen = app.screen
            search = screen.query_one("#client-search")
            results = screen.query_one("#client-results")
            marks: dict[str, float] = {}
            shown, display = screen.show_clients, app._display

            def show_clients(*args: object, **kwargs: object) -> None:  # the screen's own callback, timed
                before = getattr(screen, "clients", None)
                shown(*args, **kwargs)
                marks["shown"] = time.perf_counter()
                if before is not None and getattr(screen, "clients", None) is before:
                    marks["drawn"] = marks["shown"]  # the same answer: the window keeps its list, no frame
                    unchanged[0] += 1

            def display_frame(*args: object, **kwargs: object) -> None:
                if "shown" in marks and "drawn" not in marks:
                    marks["drawn"] = time.perf_counter()
                display(*args, **kwargs)

            screen.show_clients = show_clients
            app._display = display_frame
            search.focus()
            await pilot.pause()

            async def answered(started: float) -> None:
                while "drawn" not in marks:
                    if time.perf_counter() - started > 10:
                        raise TimeoutError("the result list was never drawn")
                    await asyncio.sleep(0.0002)

            for word in words:
                for char in word.lower():
                    marks.clear()
                    started = time.perf_counter()
                    press = asyncio.create_task(pilot.press(char))
                    await answered(started)
                    times.append((marks["drawn"] - started) * 1000)
                    if marks["drawn"] != marks["shown"]:
                        redrawn.append(times[-1])
                    answers.append((marks["shown"] - started) * 1000)
                    await press
                    await pilot.pause()
                assert search.value == word.lower(), (search.value, word)
                marks.clear()
                search.value = ""  # clear between names (not timed)
                await answered(time.perf_counter())
                await pilot.pause()
            assert results.option_count > 0
    finally:
        store.close()
    ws.notes["keystroke_p95_ms_100k"] = (
        f"{len(times)} keys over {len(words)} names ({unchanged[0]} answers unchanged, no frame needed); "
        f"median {statistics.median(times):.1f} ms, p95 of the {len(redrawn)} keys that redrew the list "
        f"{p95(redrawn):.1f} ms, "
        f"max {max(times):.1f} ms; the rows reach the list after {statistics.median(answers):.1f} ms "
        f"(median, p95 {p95(answers):.1f} ms), the rest is the next frame's layout and render "
        "(Pilot, headless, 80×24)"
    )
    return p95(times)

"""Helpers of the till's screen tests: a signed-in context on the demo store, the app that opens the
Caisse and Rapports screens by keys, and the Z bytes printed to a ``file:`` printer."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from carnet_tui.domain.context import Context, Role
from carnet_tui.settings import Settings
from support import day

DESK = "caisse-1"
PIN = day.PIN


def counter_context(name: str = "Nadia", role: str = "responsable", desk: str = DESK,
                    today: date = day.DAY) -> Context:
    """``name`` (added with ``role``) signed in at ``desk``, its till not opened: the screens open it
    (``support.day.counter_context``)."""
    return day.counter_context(desk=desk, role=Role(role), today=today, name=name, open_till=False)


def printer_settings(settings: Settings, out: Path) -> Settings:
    """The desk's printer as a ``file:`` device into ``out`` (python-escpos' real File printer)."""
    return dataclasses.replace(settings, printer=dataclasses.replace(settings.printer, url=f"file:{out}"))


def printed_text(out: Path) -> str:
    """What reached the printer, decoded in the default code page (CP858)."""
    return out.read_bytes().decode("cp858", errors="replace") if out.exists() else ""


def till_app(settings: Settings, ctx: Context):
    """``CarnetApp`` signed in as ``ctx``: Alt+R opens *Caisse* and Alt+Z *Rapports* through the
    sections list."""
    from carnet_tui.ui.app import CarnetApp

    return CarnetApp(settings, today=ctx.today, context=ctx)


def with_demo(tmp_path: Path) -> Iterator[Settings]:
    from support.ui import demo_settings

    yield from demo_settings(tmp_path)


def demo_with_file_printer(tmp_path: Path) -> Iterator[Settings]:
    """The demo store's settings with the printer a ``file:`` into ``tmp_path / "out.bin"``: the
    ``ui_settings`` fixture of the Caisse and Rapports screen tests."""
    for settings in with_demo(tmp_path):
        yield printer_settings(settings, tmp_path / "out.bin")


async def fill_movement(pilot, app, amount: str, reason: str) -> None:
    """In *Caisse*: R opens the withdrawal form, ``amount`` Tab ``reason`` Enter."""
    from carnet_tui.ui.screens.till import MovementDialog
    from support.ui import type_text, wait_until

    await pilot.press("r")
    await wait_until(pilot, lambda: isinstance(app.screen, MovementDialog))
    await type_text(pilot, amount)
    await pilot.press("tab")
    await type_text(pilot, reason)
    await pilot.press("enter")


# a float of 631,00 DH: 2 × 200, 1 × 100, 5 × 20, 3 × 10 DH and 2 × 50 c
FLOAT_COUNTS: dict[int, int] = {20000: 2, 10000: 1, 2000: 5, 1000: 3, 50: 2}
FLOAT_CENTS = 63100


def open_till(ctx: Context, counts: dict[int, int] | None = None) -> Context:
    """The desk's till opened through the service (the tests of the open session start here)."""
    from carnet_tui.services import till

    view = till.open_till(ctx, FLOAT_COUNTS if counts is None else counts)
    return ctx.with_session(view.id)


def count_keys(counts: dict[int, int]) -> list[str]:
    """The keys that type ``counts`` in the count form, top to bottom, Enter after each field."""
    from carnet_tui.domain.till import DENOMINATIONS

    keys: list[str] = []
    for index, value in enumerate(DENOMINATIONS):
        if index:
            keys.append("enter")
        keys += list(str(counts.get(value, "")))
    return keys

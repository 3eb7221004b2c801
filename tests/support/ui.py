"""Helpers of the UI tests (once tests/test_ui_support.py, which held no tests): a demo store in
tmp_path, a fixed date, and waiting without timing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from carnet_tui.domain.context import Role
from carnet_tui.services import demo
from carnet_tui.settings import Settings
from carnet_tui.store import db as store
from support.day import counter_context
from support.venue import LEGAL_VENUE

# the manual's sale day: carnet numbers hold the date, so tests and snapshots fix it
MANUAL_DAY = date(2019, 12, 20)


def demo_settings(tmp_path: Path) -> Iterator[Settings]:
    """A real SQLite file with the demo data; printing spooled under tmp_path (preview device).

    Each UI test module wraps this generator in its own ``ui_settings`` fixture.
    """
    location = str(tmp_path / "carnet.db")
    store.connect(location)
    demo.load_demo(with_users=False)  # each test signs in the people it brings (support.day)
    yield dataclasses.replace(Settings(db=location, venue=LEGAL_VENUE), data_dir=tmp_path / "data")
    from carnet_tui.store.models import database

    database.obj.close()


def make_app(settings: Settings, role: Role = Role.RESPONSABLE, name: str | None = None,
             open_till: bool = True):
    """The app at the counter: someone of ``role`` signed in at the desk on ``MANUAL_DAY``, its till
    open. A responsable by default: voids and reprints self-approve, no approval dialog between."""
    from carnet_tui.ui.app import CarnetApp

    context = counter_context(role=role, today=MANUAL_DAY, name=name, open_till=open_till)
    return CarnetApp(settings, today=MANUAL_DAY, context=context)


def text_of(app, selector: str) -> str:
    widget = app.screen.query_one(selector, Static)
    return str(widget.render())


async def settle(pilot: Pilot, rounds: int = 50) -> None:
    """Let thread workers (client search, printing) finish and their results reach the screen."""
    for _ in range(rounds):
        await pilot.pause()
        busy = [w for w in pilot.app.workers if w.is_running and w.group in ("search", "print", "reprint")]
        busy += [w for s in pilot.app.screen_stack for w in s.workers
                 if w.is_running and w.group in ("search", "print", "reprint")]
        if not busy:
            await pilot.pause()
            return
        for worker in busy:
            await worker.wait()
    raise AssertionError("workers still running")


async def wait_until(pilot: Pilot, condition: Callable[[], bool], rounds: int = 200) -> None:
    """Pause until ``condition`` holds: counts event-loop turns, never seconds."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause()
        await settle(pilot)
    raise AssertionError("condition never met")


async def type_text(pilot: Pilot, text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def open_sale(pilot: Pilot) -> None:
    await pilot.press("alt+a")
    await settle(pilot)


async def pick_manual_line(pilot: Pilot, quantity: str = "2") -> None:
    """Visiteur (the default), client Mohamed Bennani, the 15-billet model, 5 500,00 DH, quantity."""
    await pilot.press("f2")
    await type_text(pilot, "mohamed benn")
    await settle(pilot)
    await pilot.press("tab")  # client results: Mohamed Bennani highlighted
    await pilot.press("tab")  # Liste des Carnets: the 15-billet model comes first
    await pilot.press("tab")  # Tarifs du Carnet: 5 500,00 DH for a Visiteur
    await pilot.press("tab")  # Quantité, its text selected
    await type_text(pilot, quantity)
    await settle(pilot)


async def pay_cash(pilot: Pilot, tendered: str) -> None:
    """Cash: ``tendered`` typed in Reçu; "" means the exact amount (F9, an explicit choice)."""
    await pilot.press("f4")
    await settle(pilot)
    await type_text(pilot, tendered)
    if not tendered:
        await pilot.press("f9")
    await pilot.press("enter")
    await settle(pilot)

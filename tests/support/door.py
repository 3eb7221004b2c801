"""Door helpers: a door agent's context, the manual's sale printed (signed QR) and read back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from carnet_tui.domain.context import Context, Role
from carnet_tui.services import door, printing
from carnet_tui.store.models import Billet, Carnet

AGENT = "Nadia"
DOOR = "Porte 1"


def agent(today: date, desk: str = DOOR, user: str = AGENT, role: Role = Role.CONTROLEUR) -> Context:
    return Context(user_id=1, user=user, role=role, desk=desk, today=today)


def print_sale(sale_id: int, settings, out: Path) -> bytes:
    """Each carnet of the sale printed by the print service through python-escpos into ``settings``'
    file; returns the bytes the billets hold as a wired service prints them (signed QR).

    Until services/printing.py's ``_billet_data`` passes ``qr=door.qr_text(number)`` (wired at the
    merge), the service prints the plain number: the same billets are then rendered again with their
    signed QR through python-escpos' own File printer into ``out``, exactly what the wired service
    sends. Once wired, ``out`` holds the service's own bytes.
    """
    from escpos.printer import File

    from carnet_tui.printing import layouts

    carnets = list(Carnet.select().where(Carnet.sale == sale_id).order_by(Carnet.index))
    for carnet in carnets:
        if not carnet.line.voided:
            printing.print_carnet(carnet.id, settings)
    page = layouts.Page.from_settings(settings.printer)
    device = File(str(out))
    for carnet in carnets:
        if carnet.line.voided:
            continue
        for billet in Billet.select().where(Billet.carnet == carnet).order_by(Billet.seq):
            data = printing._billet_data(carnet, billet, settings, False)
            if not data.qr:
                data = replace(data, qr=door.qr_text(billet.number))
            device._raw(layouts.billet_bytes(data, page))
    device.close()
    return out.read_bytes()


def door_app(settings, today: date, ctx: Context | None = None):
    """The counter app with the door section (wired into CarnetApp at the merge; added here until)."""
    from textual.binding import Binding

    from carnet_tui.ui.app import CarnetApp
    from carnet_tui.ui.door_app import DoorSection

    cls = CarnetApp
    if not issubclass(CarnetApp, DoorSection):
        class DoorApp(DoorSection, CarnetApp):
            CSS_PATH = str(Path(__import__("carnet_tui.ui.app").ui.app.__file__).with_name("carnet.tcss"))
            BINDINGS = [*CarnetApp.BINDINGS,
                        Binding("alt+c", "open_door", "Contrôle", key_display="Alt+C", priority=True)]

        cls = DoorApp
    return cls(settings, today=today, context=ctx or agent(today))


def burst(app, text: str) -> None:
    """``text`` and Enter sent as a keyboard-wedge scanner sends them: one burst of key events through
    the app's driver (Pilot's own path, without its wait for idle after each key)."""
    from textual import events
    from textual.keys import _character_to_key

    for char in [*text, "enter"]:
        key = char if char == "enter" or char.isalnum() else _character_to_key(char)
        event = events.Key(key, "\r" if char == "enter" else char)
        event.set_sender(app)
        app._driver.send_message(event)


async def scan(pilot, text: str, slow: float = 0.0) -> None:
    """``text`` typed into the door field and Enter, as a scanner (a burst) or an agent (``slow``
    seconds between keys, through ``pilot.press``); waits for its verdict on screen."""
    screen = pilot.app.screen
    before = screen.verdicts
    if slow:
        for char in text:
            await pilot.press(char)
            await pilot.pause(slow)
        await pilot.press("enter")
    else:
        burst(pilot.app, text)
    for _ in range(400):
        if screen.verdicts > before and not screen.pending:
            return
        await pilot.pause(0.01)
    raise AssertionError(f"no verdict for {text!r}")

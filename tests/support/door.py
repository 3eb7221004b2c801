"""Door helpers: a door agent's context, the manual's sale printed (signed QR) and read back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from carnet_tui.domain.context import Context, Role, self_approval
from carnet_tui.services import door, printing
from carnet_tui.store.models import Billet, Carnet

AGENT = "Nadia"
DOOR = "Porte 1"


def seller() -> Context:
    """A responsable signed in at the counter, the till open (tests/support/day.py): sells, voids."""
    from support.day import counter_context

    return counter_context(role=Role.RESPONSABLE)


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
            printing.print_carnet(seller(), carnet.id, settings)
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


@dataclass
class DoorStore:
    settings: object
    paper: bytes  # the manual's 30 billets as printed
    voided: str  # a billet of a voided line
    unprinted: str  # a billet of a paid carnet never printed (its sale still open)


def door_store(tmp_path: Path) -> DoorStore:
    """A store (connected) holding the manual's sale printed (2 × 15 billets, signed QR), a sale whose
    second line was voided, and an open sale whose carnet was never printed."""
    from test_print_support import manual_sale, settings_for

    from carnet_tui.domain.payment import PaymentInput
    from carnet_tui.services import sales
    from carnet_tui.store import db as store
    from carnet_tui.store.models import CarnetModel, Tariff

    location = str(tmp_path / "carnet.db")
    store.connect(location)
    model = CarnetModel.create(name="Carnet 15 entrées", billets_count=15, validity_days=60)
    tariff = Tariff.create(model=model, label="Plein tarif", price_cents=550000)

    class Catalog:
        model_id, visitor_tariff_id = model.id, tariff.id

    door.ensure_key()
    settings = replace(settings_for(tmp_path, f"file:{tmp_path / 'printer.bin'}"), db=location)
    paper = print_sale(manual_sale(Catalog), settings, tmp_path / "billets.bin")
    request = sales.LineRequest("V", model.id, tariff.id, 1, 60, None)
    ctx = seller()
    other = sales.open_sale(ctx)
    kept = sales.pay_line(ctx, other, request, PaymentInput("cash", 550000))
    voided = sales.pay_line(ctx, other, request, PaymentInput("cash", 550000))
    sales.void_line(ctx, voided.line_id, "erreur de tarif", self_approval(ctx, "void"))
    sales.close_sale(ctx, other)
    printing.print_carnet(ctx, Carnet.get(Carnet.number == kept.carnet_numbers[0]).id, settings)
    still_open = sales.open_sale(ctx)
    unprinted = sales.pay_line(ctx, still_open, request, PaymentInput("cash", 550000))
    return DoorStore(settings, paper, f"{voided.carnet_numbers[0]}-003",
                     f"{unprinted.carnet_numbers[0]}-001")


def door_app(settings, today: date, ctx: Context | None = None):
    """The counter app (``CarnetApp``) signed in as ``ctx`` (a contrôleur by default): Alt+C opens
    the door through the sections list."""
    from carnet_tui.ui.app import CarnetApp

    return CarnetApp(settings, today=today, context=ctx or agent(today))


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


def scan_all(location: str, desk: str, texts: list[str], start, out) -> None:
    """A door in its own process: its own connection, every text scanned once; ``out`` gets
    (desk, accepted numbers, refusal reasons). Waits for ``start`` so both doors begin together."""
    from collections import Counter

    from carnet_tui.store import db as store

    store.connect(location)
    ctx = agent(date(2026, 1, 5), desk=desk, user=desk)
    accepted, reasons = [], Counter()
    start.wait()
    for text in texts:
        result = door.check_in(ctx, text)
        if result.accepted:
            accepted.append(result.billet)
        else:
            reasons[str(result.reason)] += 1
    store.close()
    out.put((desk, accepted, dict(reasons)))

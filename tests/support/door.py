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

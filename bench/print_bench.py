"""Printer figures: the bytes of one billet as sent to the printer, and the time to build them."""

from __future__ import annotations

import statistics
import time
from datetime import date

from bench.common import Missing, Workspace

RENDERS = 300


def _billet(client: str, seq: int = 7):  # noqa: ANN202 (layouts may be missing: no import at top)
    from carnet_tui.printing.layouts import BilletData
    from carnet_tui.settings import VenueSettings
    from carnet_tui.texts import t

    return BilletData(
        venue_name=VenueSettings().name,
        model_name="Carnet 15 entrées",
        carnet_number="20191220-815A",
        billet_number=f"20191220-815A-{seq:03d}",
        seq=seq,
        count=15,
        client_name=client,
        beneficiary_label=t("beneficiary.V"),
        valid_until=date(2020, 2, 17),
        # the signed QR as services.door.qr_text writes it (number.k + 13 base32 characters)
        qr=f"20191220-815A-{seq:03d}.AJBSWY3DPEHPK3",
    )


def _layouts():  # noqa: ANN202
    try:
        from carnet_tui.printing import layouts
    except ImportError as exc:
        raise Missing(f"carnet_tui.printing.layouts not there: {exc}") from exc
    return layouts


def bytes_per_billet(ws: Workspace) -> int:
    """The manual's billet (Latin client name, 42 columns, CP858, native QR, partial cut)."""
    layouts = _layouts()
    page = layouts.Page()
    latin = len(layouts.billet_bytes(_billet("Élodie Chérif"), page))
    arabic = len(layouts.billet_bytes(_billet("محمد العلوي"), page))
    narrow = len(layouts.billet_bytes(_billet("Élodie Chérif"), layouts.Page(columns=32)))
    ws.notes["bytes_per_billet"] = (
        f"Latin name {latin} B; Arabic name {arabic} B (shaped name as a raster image); "
        f"32 columns {narrow} B; 15 billets at 9600 baud 8N1: {15 * latin * 10 / 9600:.1f} s"
    )
    return latin


def render_ms_per_billet(ws: Workspace) -> float:
    layouts = _layouts()
    page = layouts.Page()
    data = [_billet("Élodie Chérif", seq) for seq in range(1, 16)]
    times = []
    for i in range(RENDERS):
        started = time.perf_counter()
        layouts.billet_bytes(data[i % 15], page)
        times.append((time.perf_counter() - started) * 1000)
    arabic = []
    for _ in range(20):
        started = time.perf_counter()
        layouts.billet_bytes(_billet("محمد العلوي"), page)
        arabic.append((time.perf_counter() - started) * 1000)
    ws.notes["render_ms_per_billet"] = (
        f"median of {RENDERS} renders (Latin name); first render {times[0]:.2f} ms; "
        f"Arabic name (Pillow raster) {statistics.median(arabic):.2f} ms"
    )
    return statistics.median(times)

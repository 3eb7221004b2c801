"""The signed QR on paper: native GS ( k, alphanumeric text, the printed number plain, ≤ 300 bytes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from support.door import seller
from test_print_support import manual_sale, parse, settings_for

from carnet_tui.domain.door import ScanKind
from carnet_tui.domain.door import parse as parse_scan
from carnet_tui.printing import layouts
from carnet_tui.services import door, printing
from carnet_tui.settings import VenueSettings
from carnet_tui.store.models import Carnet


def billet(qr: str = "") -> layouts.BilletData:
    return layouts.BilletData(VenueSettings().name, "Carnet 15 entrées", "20191220-815A", "20191220-815A-007",
                              7, 15, "Élodie Chérif", "Visiteur", date(2020, 2, 17), qr=qr)


def test_signed_billet_within_300_bytes(connected):
    door.ensure_key()
    signed = billet(door.qr_text("20191220-815A-007"))
    data = layouts.billet_bytes(signed, layouts.Page())
    assert len(data) <= 300
    doc = parse(data)[0]
    assert doc.qr == [signed.qr] and parse_scan(doc.qr[0]).kind is ScanKind.SIGNED
    assert doc.billet == ("20191220-815A-007", 7, 15)  # the printed text keeps the plain number
    assert signed.qr not in doc.text
    plain = parse(layouts.billet_bytes(billet(), layouts.Page()))[0]
    assert plain.qr == ["20191220-815A-007"]  # no qr given: the plain number, as before


def test_print_service_signs_the_qr(manual_catalog, tmp_path):
    sale_id = manual_sale(manual_catalog)
    out = tmp_path / "out.bin"
    settings = settings_for(tmp_path, f"file:{out}")
    door.ensure_key()
    carnet = Carnet.get((Carnet.sale == sale_id) & (Carnet.index == 0))
    printing.print_carnet(seller(), carnet.id, settings)
    docs = parse(out.read_bytes())
    assert len(docs) == 15
    assert all(parse_scan(d.qr[0]).kind is ScanKind.SIGNED for d in docs)
    assert replace(billet(), qr="").qr == ""

"""Billet, receipt and invoice layouts: bytes (decoded with an independent ESC/POS reader) and text."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from test_print_support import parse

from carnet_tui.printing import arabic, layouts
from carnet_tui.printing.layouts import BilletData, InvoiceData, InvoiceLine, Page, ReceiptData, ReceiptLine
from carnet_tui.settings import VenueSettings

MANUAL = BilletData(
    venue_name="Complexe Sportif Al Amal",
    model_name="Carnet 15 entrées",
    carnet_number="20191220-815A",
    billet_number="20191220-815A-007",
    seq=7,
    count=15,
    client_name="Karim Benjelloun",
    beneficiary_label="Visiteur",
    valid_until=date(2020, 2, 17),
)
LONG = BilletData(
    venue_name="Complexe Sportif et Culturel Municipal Mohammed V de Casablanca-Anfa",
    model_name="Carnet famille 15 entrées piscine olympique et hammam traditionnel",
    carnet_number="20191220-123456ZZ",
    billet_number="20191220-123456ZZ-015",
    seq=15,
    count=15,
    client_name="Marie-Thérèse de La Rochefoucauld-Liancourt Benkirane El Idrissi",
    beneficiary_label="Partenaire",
    valid_until=date(2029, 12, 31),
)


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_billet_fits_in_350_bytes_with_qr_and_cut(columns):
    page = Page(columns=columns)
    for billet in (MANUAL, LONG):
        data = layouts.billet_bytes(billet, page)
        assert len(data) <= 350, (columns, billet.billet_number, len(data))
        [doc] = parse(data)
        assert doc.qr == [billet.billet_number] and doc.images == 0
        assert data.endswith(b"\x1dVB\x00")  # partial cut, function B: feed to the cutter, cut
    print(f"manual billet: {len(layouts.billet_bytes(MANUAL, Page()))} bytes; "
          f"longest at {columns} columns: {len(layouts.billet_bytes(LONG, page))} bytes")


def test_billet_says_what_the_design_says():
    [doc] = parse(layouts.billet_bytes(MANUAL, Page()))
    assert doc.lines == [
        "Complexe Sportif Al Amal",
        "Carnet 15 entrées",
        "Carnet N° 20191220-815A",
        "20191220-815A-007  7/15",
        "Karim Benjelloun - Visiteur",
        "Valable jusqu'au 17/02/2020 inclus",
    ]
    assert doc.qr == ["20191220-815A-007"]
    assert not doc.duplicate


def test_duplicate_is_marked_on_paper_and_on_screen():
    dup = BilletData(**{**MANUAL.__dict__, "duplicate": True})
    [doc] = parse(layouts.billet_bytes(dup, Page()))
    assert "*** DUPLICATA ***" in doc.lines
    assert "*** DUPLICATA ***" in layouts.billet_text(dup, Page())
    assert len(layouts.billet_bytes(dup, Page())) <= 350


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_long_names_are_cut_cleanly_to_the_width(columns):
    page = Page(columns=columns)
    [doc] = parse(layouts.billet_bytes(LONG, page))
    assert all(len(line) <= columns for line in doc.text.splitlines())
    text = layouts.billet_text(LONG, page)
    assert all(len(line) <= columns for line in text.splitlines())
    # the billet number and the validity are never cut (the validity wraps on narrow paper)
    assert "20191220-123456ZZ-015  15/15" in doc.lines
    assert "inclus" in doc.text and "31/12/2029" in doc.text
    venue = doc.lines[0]
    assert venue.endswith(".") and LONG.venue_name.startswith(venue[:-1])


def test_fit_cuts_on_a_word_when_one_is_near():
    assert layouts.fit("Mohamed Amine Benjelloun", 20) == "Mohamed Amine."
    assert layouts.fit("Abdelouahedbenkiranezz", 10) == "Abdelouah."
    assert layouts.fit("court", 10) == "court"


def test_text_outside_the_code_page_degrades_readably():
    odd = BilletData(**{**MANUAL.__dict__, "client_name": "Ćiro Łukasz 😀"})
    [doc] = parse(layouts.billet_bytes(odd, Page()))
    assert "Ciro ?ukasz ? - Visiteur" in doc.lines


def test_unknown_code_page_is_refused_clearly():
    with pytest.raises(layouts.LayoutError, match="CP999"):
        layouts.billet_bytes(MANUAL, Page(codepage="CP999"))


def test_plain_text_preview_matches_the_paper():
    text = layouts.billet_text(MANUAL, Page())
    assert "Valable jusqu'au 17/02/2020 inclus" in text
    assert "[QR 20191220-815A-007]" in text
    [doc] = parse(layouts.billet_bytes(MANUAL, Page()))
    shown = [
        line.strip() for line in text.splitlines() if line.strip() and "QR" not in line and "- -" not in line
    ]
    assert shown == doc.lines


@pytest.mark.skipif(not arabic.can_render(), reason="no font with Arabic glyphs or no libraqm here")
def test_arabic_client_name_is_a_shaped_raster_line():
    ar = BilletData(**{**MANUAL.__dict__, "client_name": "محمد العلمي"})
    data = layouts.billet_bytes(ar, Page())
    [doc] = parse(data)
    assert doc.images == 1 and "Visiteur" in doc.lines and doc.qr == ["20191220-815A-007"]
    image = arabic.render("محمد العلمي", 504)
    width, height = image.size
    assert 40 < width < 504 and 10 < height <= 30
    ink = sum(1 for x in range(width) for y in range(height) if image.getpixel((x, y)) == 0)
    assert ink > 100
    # shaped right to left by libraqm: not what Pillow's basic (left to right, unjoined) layout draws
    from PIL import Image, ImageDraw, ImageFont

    basic = ImageFont.truetype(arabic.font_path(), arabic.FONT_PX, layout_engine=ImageFont.Layout.BASIC)
    left, top, right, bottom = basic.getbbox("محمد العلمي")
    unshaped = Image.new("1", (right - left, bottom - top), 1)
    ImageDraw.Draw(unshaped).text((-left, -top), "محمد العلمي", font=basic, fill=0)
    assert unshaped.tobytes() != image.tobytes()
    print(f"arabic billet: {len(data)} bytes")


def _receipt(duplicate=False) -> ReceiptData:
    line = ReceiptLine(
        quantity=2, model_name="Carnet 15 entrées", unit_price_cents=550000, total_cents=1100000,
        client_name="Karim Benjelloun", beneficiary_label="Visiteur",
        carnet_numbers=["20191220-815", "20191220-815A"], method_label="Espèces",
        tendered_cents=1200000, change_cents=100000, cash=True,
    )
    when = datetime(2019, 12, 20, 10, 32)
    return ReceiptData(VenueSettings(), 815, when, "amina", [line], 1100000, duplicate)


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_receipt(columns):
    [doc] = parse(layouts.receipt_bytes(_receipt(), Page(columns=columns)))
    text = doc.text
    assert "Complexe Sportif Al Amal" in text and "TICKET DE CAISSE" in text
    assert "Vente N° 815" in text and "20/12/2019 10:32" in text and "Caissier : amina" in text
    assert "2 x Carnet 15 entrées" in text and "@ 5 500,00" in text
    assert "Carnet 20191220-815" in text and "Carnet 20191220-815A" in text
    assert "Espèces" in text and "12 000,00" in text and "Rendu" in text and "1 000,00" in text
    assert "11 000,00 DH" in text and "DUPLICATA" not in text
    assert all(len(line) <= columns for line in text.splitlines())
    [dup] = parse(layouts.receipt_bytes(_receipt(True), Page(columns=columns)))
    assert "*** DUPLICATA ***" in dup.lines


def test_vat_split_sums_exactly():
    assert layouts.split_vat(1100000, 20.0) == (916667, 183333)
    assert layouts.split_vat(550000, 10.0) == (500000, 50000)
    assert layouts.split_vat(1, 20.0) == (1, 0)
    for ttc in (1, 99, 12345, 1100000, 999999999):
        ht, vat = layouts.split_vat(ttc, 14.0)
        assert ht + vat == ttc and vat >= 0


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_invoice(columns):
    venue = VenueSettings(ice="001525836000081", if_number="40123456", rc="345678", patente="35123456")
    inv = InvoiceData(
        venue=venue, number="F2019-00001", issued=date(2019, 12, 20), sale_number=815,
        sale_date=date(2019, 12, 20), client_name="Karim Benjelloun",
        lines=[InvoiceLine(2, "Carnet 15 entrées", 550000, 1100000)], total_cents=1100000,
    )
    [doc] = parse(layouts.invoice_bytes(inv, Page(columns=columns)))
    text = doc.text
    assert "FACTURE N° F2019-00001" in text
    assert "ICE 001525836000081" in text and "40123456" in text and "345678" in text and "35123456" in text
    assert "Client : Karim Benjelloun" in text
    assert "9 166,67 DH" in text and "TVA 20 %" in text and "1 833,33 DH" in text and "11 000,00 DH" in text
    assert "Onze mille dirhams." in text
    assert all(len(line) <= columns for line in text.splitlines())


@pytest.mark.skipif(not arabic.can_render(), reason="no font with Arabic glyphs or no libraqm here")
def test_arabic_names_on_receipt_and_invoice_are_raster_lines():
    receipt = _receipt()
    line = ReceiptLine(**{**receipt.lines[0].__dict__, "client_name": "فاطمة الزهراء"})
    [doc] = parse(layouts.receipt_bytes(ReceiptData(**{**receipt.__dict__, "lines": [line]}), Page()))
    assert doc.images == 1 and "Carnet 20191220-815A" in doc.text
    inv = InvoiceData(
        venue=VenueSettings(), number="F2019-00003", issued=date(2019, 12, 20), sale_number=815,
        sale_date=date(2019, 12, 20), client_name="فاطمة الزهراء",
        lines=[InvoiceLine(1, "Carnet 15 entrées", 550000, 550000)], total_cents=550000,
    )
    [doc] = parse(layouts.invoice_bytes(inv, Page()))
    assert doc.images == 1 and "Client :" not in doc.text  # the whole client line is the image

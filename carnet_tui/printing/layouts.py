"""What goes on paper: billet, receipt, invoice. Pure: data in, ESC/POS bytes (or plain text) out.

A document is a list of elements (``Text``, ``Qr``, ``Cut``) rendered twice: to ESC/POS bytes for
the printer and to plain text for the on-screen preview, so both always say the same thing.

Every document starts with ``ESC @`` (reset) followed by the fixed code page: a printer that was
switched off and on between two billets still prints é and €, and nothing left over from a torn
previous job (bold, double height) leaks into this one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy

from carnet_tui.domain.money import format_amount, format_dh
from carnet_tui.domain.rules import format_date
from carnet_tui.domain.text import strip_controls
from carnet_tui.printing import arabic
from carnet_tui.printing.words import amount_words
from carnet_tui.settings import PrinterSettings, VenueSettings
from carnet_tui.texts import t

ESC, GS = b"\x1b", b"\x1d"
RESET = ESC + b"@"
CUTS = {"partial": GS + b"V\x42\x00", "full": GS + b"V\x41\x00"}  # function B: feed to the cutter, cut
TEAR_FEED = ESC + b"d\x04"  # no cutter: feed past the tear bar
ALIGN = {"left": 0, "center": 1, "right": 2}
QR_SIZE = 5  # dots per module: a 25×25 code is 16 mm wide, easy for a phone or a scanner


class LayoutError(ValueError):
    """The settings ask for something the printer profile cannot do (unknown profile or code page)."""


@dataclass(frozen=True)
class Page:
    columns: int = 42
    codepage: str = "CP858"
    profile: str = "TM-T88III"
    cut: str = "partial"  # partial | full | none

    @classmethod
    def from_settings(cls, printer: PrinterSettings) -> Page:
        return cls(printer.columns, printer.codepage, printer.profile, printer.cut)


@dataclass(frozen=True)
class Text:
    text: str
    align: str = "left"
    bold: bool = False
    tall: bool = False  # double height, same width: the column count stays true
    wrap: bool = False  # too long: go on the next line (else cut)


@dataclass(frozen=True)
class Qr:
    data: str


@dataclass(frozen=True)
class Cut:
    pass


Element = Text | Qr | Cut


# --- fitting text to the paper ------------------------------------------------------------------


def fit(text: str, width: int) -> str:
    """One line at most ``width`` columns; a long name is cut on a word if one is near, marked "."."""
    text = text.replace("\n", " ").rstrip()
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space >= (width * 2) // 3:
        cut = cut[:space]
    return cut.rstrip(" -,") + "."


def pair(left: str, right: str, width: int) -> str:
    """Label on the left, amount on the right, the label shortened if both do not fit."""
    room = width - len(right) - 1
    return f"{fit(left, max(room, 1)):<{room}} {right}" if room > 0 else fit(right, width)


def wrap(text: str, width: int) -> list[str]:
    """Words over as many lines as needed (a word longer than a line is cut)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        word = word[:width]
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


# --- rendering ----------------------------------------------------------------------------------


class _Writer:
    """python-escpos' own encoder and QR command on a ``Dummy`` printer: bytes, no I/O."""

    def __init__(self, page: Page) -> None:
        self.page = page
        try:
            self.out = Dummy(profile=page.profile)
        except KeyError:
            raise LayoutError(t("print.err.profile", profile=page.profile)) from None
        encoder = self.out.magic.encoder
        if page.codepage.upper() not in {name.upper() for name in self.out.profile.get_code_pages()}:
            raise LayoutError(t("print.err.codepage", codepage=page.codepage, profile=page.profile))
        self.encoding = encoder.get_encoding_name(page.codepage)
        self._can = encoder.can_encode
        self.align, self.bold, self.tall = "left", False, False
        self.reset()

    def reset(self) -> None:
        self.out._raw(RESET)
        # the code page again after every reset (ESC @ forgets it)
        self.out.magic.encoding = None
        self.out.charcode(self.page.codepage)
        self.align, self.bold, self.tall = "left", False, False

    def printable(self, text: str) -> str:
        """Characters outside the code page: accents dropped (ć → c), else "?". No byte below 0x20
        (nor DEL) ever comes from a text: the encoder passes ASCII through as is (ESC p would kick
        the drawer, GS V cut, ESC @ reset)."""
        result = []
        for char in text:
            if char < " " or char == "\x7f" or unicodedata.category(char) == "Cf":
                continue  # a joiner left alone (no emoji on paper) is nothing, not a "?"
            if self._can(self.encoding, char):
                result.append(char)
                continue
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            result.append(base if base and all(self._can(self.encoding, c) for c in base) else "?")
        return "".join(result)

    def style(self, align: str, bold: bool, tall: bool) -> None:
        if align != self.align:
            self.out._raw(ESC + b"a" + bytes([ALIGN[align]]))
            self.align = align
        if bold != self.bold:
            self.out._raw(ESC + b"E" + bytes([int(bold)]))
            self.bold = bold
        if tall != self.tall:
            self.out._raw(GS + b"!" + bytes([0x01 if tall else 0x00]))
            self.tall = tall

    def element(self, item: Element) -> None:
        if isinstance(item, Text):
            self.style(item.align, item.bold, item.tall)
            if arabic.has_arabic(item.text) and arabic.can_render():
                image = arabic.render(item.text, self.page.columns * arabic.DOTS_PER_COLUMN)
                self.out._raw(arabic.raster_bytes(image))
                return
            self.out.text(self.printable(fit(item.text, self.page.columns)) + "\n")
        elif isinstance(item, Qr):
            self.out.qr(item.data, ec=QR_ECLEVEL_M, size=QR_SIZE, native=True)
        elif isinstance(item, Cut):
            self.style("left", False, False)
            cut = self.page.cut
            if cut != "none" and not self.out.profile.supports("paperPartCut"):
                cut = "full"
            if cut != "none" and not self.out.profile.supports("paperFullCut") and cut == "full":
                cut = "none"
            self.out._raw(CUTS.get(cut, TEAR_FEED))


def _guarded(item: Element) -> Element:
    """The printer's last guard, whatever the caller passed: a text holds no control (C0/C1, bidi,
    invisible formatting). Both renderings go through it: the preview shows what the paper gets."""
    if isinstance(item, Text):
        return Text(strip_controls(item.text), item.align, item.bold, item.tall, item.wrap)
    if isinstance(item, Qr):
        return Qr(strip_controls(item.data))
    return item


def _lines(doc: list[Element], width: int) -> list[Element]:
    """Wrapping texts split into one element per line."""
    result: list[Element] = []
    for item in map(_guarded, doc):
        if isinstance(item, Text) and item.wrap and len(item.text) > width:
            result += [Text(line, item.align, item.bold, item.tall) for line in wrap(item.text, width)]
        else:
            result.append(item)
    return result


def render_bytes(doc: list[Element], page: Page) -> bytes:
    writer = _Writer(page)
    for item in _lines(doc, page.columns):
        writer.element(item)
    return writer.out.output


def render_text(doc: list[Element], page: Page) -> str:
    """The same document as the screen shows it (QR as a marker, cut as a dashed line)."""
    width = page.columns
    lines = []
    for item in _lines(doc, width):
        if isinstance(item, Text):
            text = fit(item.text, width)
            if item.align == "center":
                text = text.center(width).rstrip()
            elif item.align == "right":
                text = text.rjust(width)
            lines.append(text)
        elif isinstance(item, Qr):
            lines.append(t("print.preview.qr", data=item.data).center(width).rstrip())
        elif isinstance(item, Cut):
            lines.append("- " * (width // 2))
    return "\n".join(lines)


# --- the documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BilletData:
    venue_name: str
    model_name: str
    carnet_number: str
    billet_number: str
    seq: int
    count: int
    client_name: str
    beneficiary_label: str
    valid_until: date
    duplicate: bool = False
    qr: str = ""  # the signed QR text (services.door.qr_text); "" = the plain number (old billets)


def billet_doc(b: BilletData) -> list[Element]:
    doc: list[Element] = [Text(b.venue_name, "center", bold=True), Text(b.model_name, "center")]
    if b.duplicate:
        doc.append(Text(t("print.duplicate"), "center", bold=True))
    doc += [
        Text(t("print.billet.carnet", number=b.carnet_number), "center"),
        Text(t("print.billet.number", number=b.billet_number, seq=b.seq, count=b.count), "center",
             bold=True, tall=True),
    ]
    if b.client_name and arabic.has_arabic(b.client_name):
        # the name as its own shaped line; the type stays text
        doc += [Text(b.client_name, "center"), Text(b.beneficiary_label, "center")]
    elif b.client_name:
        doc.append(Text(t("print.billet.client", client=b.client_name, type=b.beneficiary_label), "center"))
    else:
        doc.append(Text(b.beneficiary_label, "center"))
    doc += [
        Text(t("print.billet.valid", date=format_date(b.valid_until)), "center", wrap=True),
        Qr(b.qr or b.billet_number),  # the printed text keeps the plain number
        Cut(),
    ]
    return doc


def billet_bytes(b: BilletData, page: Page) -> bytes:
    return render_bytes(billet_doc(b), page)


def billet_text(b: BilletData, page: Page) -> str:
    return render_text(billet_doc(b), page)


@dataclass(frozen=True)
class ReceiptLine:
    quantity: int
    model_name: str
    unit_price_cents: int
    total_cents: int
    client_name: str
    beneficiary_label: str
    carnet_numbers: list[str]
    method_label: str
    tendered_cents: int
    change_cents: int
    cash: bool
    voided: bool = False


@dataclass(frozen=True)
class ReceiptData:
    venue: VenueSettings
    sale_number: int
    when: datetime
    cashier: str
    lines: list[ReceiptLine]
    total_cents: int
    duplicate: bool = False


def _header(venue: VenueSettings, duplicate: bool) -> list[Element]:
    doc: list[Element] = [Text(venue.name, "center", bold=True)]
    if venue.address:
        doc.append(Text(venue.address, "center", wrap=True))
    if duplicate:
        doc.append(Text(t("print.duplicate"), "center", bold=True, tall=True))
    return doc


def receipt_doc(r: ReceiptData, width: int) -> list[Element]:
    rule = Text("-" * width)
    doc = _header(r.venue, r.duplicate)
    doc += [
        Text(t("print.receipt.title"), "center", bold=True),
        Text(pair(t("print.receipt.sale", number=r.sale_number), r.when.strftime("%d/%m/%Y %H:%M"), width)),
        Text(t("print.receipt.cashier", cashier=r.cashier)),
        rule,
    ]
    for line in r.lines:
        doc.append(Text(t("print.receipt.line", quantity=line.quantity, model=line.model_name)))
        doc.append(Text(pair(t("print.receipt.unit", price=format_amount(line.unit_price_cents)),
                             format_amount(line.total_cents), width)))
        if line.client_name:
            doc.append(Text(f"  {line.client_name} - {line.beneficiary_label}"))
        doc += [Text(t("print.receipt.carnet", number=n)) for n in line.carnet_numbers]
        if line.voided:
            doc.append(Text(t("print.receipt.voided"), bold=True))
            continue
        doc.append(Text(pair(f"  {line.method_label}", format_amount(line.total_cents), width)))
        if line.cash and line.change_cents:
            doc.append(Text(pair(t("print.receipt.tendered"), format_amount(line.tendered_cents), width)))
            doc.append(Text(pair(t("print.receipt.change"), format_amount(line.change_cents), width)))
    doc += [
        rule,
        Text(pair(t("print.receipt.total"), format_dh(r.total_cents), width), bold=True, tall=True),
        Text(t("print.receipt.thanks"), "center"),
        Cut(),
    ]
    return doc


def receipt_bytes(r: ReceiptData, page: Page) -> bytes:
    return render_bytes(receipt_doc(r, page.columns), page)


def receipt_text(r: ReceiptData, page: Page) -> str:
    return render_text(receipt_doc(r, page.columns), page)


@dataclass(frozen=True)
class InvoiceLine:
    quantity: int
    model_name: str
    unit_price_cents: int
    total_cents: int


@dataclass(frozen=True)
class InvoiceData:
    venue: VenueSettings
    number: str
    issued: date
    sale_number: int
    sale_date: date
    client_name: str
    lines: list[InvoiceLine]
    total_cents: int  # TTC
    duplicate: bool = False
    extra: list[str] = field(default_factory=list)


def split_vat(ttc_cents: int, rate_percent: float) -> tuple[int, int]:
    """(HT, TVA) from a TTC total, HT rounded half up to the centime, TVA = TTC − HT (sums exactly)."""
    rate = Decimal(str(rate_percent))
    ht = (Decimal(ttc_cents) * 100 / (100 + rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(ht), ttc_cents - int(ht)


def _rate_text(rate: float) -> str:
    return f"{rate:g}".replace(".", ",")


def invoice_doc(inv: InvoiceData, width: int) -> list[Element]:
    rule = Text("-" * width)
    v = inv.venue
    doc = _header(v, inv.duplicate)
    doc += [
        Text(t("print.invoice.ids", ice=v.ice), "center", wrap=True),
        Text(t("print.invoice.ids2", if_number=v.if_number, rc=v.rc, patente=v.patente), "center", wrap=True),
        rule,
        Text(t("print.invoice.title", number=inv.number), "center", bold=True, tall=True),
        Text(t("print.invoice.date", date=format_date(inv.issued))),
        Text(t("print.invoice.sale", number=inv.sale_number, date=format_date(inv.sale_date))),
        Text(t("print.invoice.client", client=inv.client_name) if inv.client_name
             else t("print.invoice.no_client")),
        rule,
    ]
    for line in inv.lines:
        doc.append(Text(t("print.receipt.line", quantity=line.quantity, model=line.model_name)))
        doc.append(Text(pair(t("print.invoice.unit", price=format_amount(line.unit_price_cents)),
                             format_amount(line.total_cents), width)))
    ht, vat = split_vat(inv.total_cents, v.vat_rate_percent)
    doc += [
        rule,
        Text(pair(t("print.invoice.ht"), format_dh(ht), width)),
        Text(pair(t("print.invoice.vat", rate=_rate_text(v.vat_rate_percent)), format_dh(vat), width)),
        Text(pair(t("print.invoice.ttc"), format_dh(inv.total_cents), width), bold=True, tall=True),
        Text(t("print.invoice.words"), wrap=True),
    ]
    words = amount_words(inv.total_cents)
    doc += [Text(line) for line in wrap(words[:1].upper() + words[1:] + ".", width)]
    doc += [Text(line) for line in inv.extra]
    doc.append(Cut())
    return doc


def invoice_bytes(inv: InvoiceData, page: Page) -> bytes:
    return render_bytes(invoice_doc(inv, page.columns), page)


def invoice_text(inv: InvoiceData, page: Page) -> str:
    return render_text(invoice_doc(inv, page.columns), page)

"""The X and Z: what a report holds, and how it goes on paper (32, 42 or 48 columns).

``Report`` is what ``services.till`` computes and stores (like ``layouts.ReceiptData`` for a
receipt, the printing layer defines what it prints). Pure: a ``Report`` in, a document of
``layouts`` elements out, rendered by the receipts' own renderer (reset, code page, the printer's
last guard on every text). A Z reprint says DUPLICATA; every report ends with the journal's head
so the paper anchors the chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from carnet_tui.domain.money import format_dh
from carnet_tui.domain.till import CashFigures
from carnet_tui.printing.layouts import Cut, Element, Page, Text, pair, render_bytes, render_text
from carnet_tui.texts import t

HEAD_SPLIT = 32  # the head's 64 hex digits in two lines of 32 when one line cannot hold them


class ReportKind(StrEnum):
    X = "X"  # the session so far; it stays open
    Z = "Z"  # the session closed, numbered, frozen


@dataclass(frozen=True)
class Figure:
    """Lines paid (not voided) in one group: a payment method, a model, a tariff, a type."""

    key: str  # method (cash…), model name, tariff label, beneficiary type (A/V/P)
    count: int  # lines
    carnets: int
    amount_cents: int
    model: str = ""  # a tariff's model (two models may have a tariff of the same label)


@dataclass(frozen=True)
class VoidFigure:
    sale_number: int | None
    position: int
    model_name: str
    method: str
    amount_cents: int
    reason: str
    voided_by: str
    approved_by: str
    voided_at: str


@dataclass(frozen=True)
class MovementFigure:
    kind: str
    amount_cents: int
    reason: str
    done_by: str
    approved_by: str
    done_at: str


@dataclass(frozen=True)
class Report:
    """An X or a Z: what the session holds. Amounts in centimes."""

    kind: ReportKind
    desk: str
    session_id: int
    z_number: int | None
    opened_by: str
    opened_at: datetime
    closed_by: str | None  # the Z's author; None on an X
    closed_at: datetime | None
    made_by: str  # who asked for this report, and when
    made_at: datetime
    sales_count: int
    by_method: tuple[Figure, ...]
    by_model: tuple[Figure, ...]
    by_tariff: tuple[Figure, ...]
    by_beneficiary: tuple[Figure, ...]
    carnets: int
    billets: int
    voids: tuple[VoidFigure, ...]
    reprints: tuple[tuple[str, int], ...]  # (receipt | billets | invoice, copies)
    movements: tuple[MovementFigure, ...]
    cash: CashFigures
    counted: tuple[tuple[int, int], ...] | None  # (denomination in centimes, pieces); Z only
    journal_head: str  # the chain's head when the report was made (before its own row)
    duplicate: bool = field(default=False, compare=False)

    @property
    def lines_count(self) -> int:
        return sum(f.count for f in self.by_method)

    @property
    def total_cents(self) -> int:
        return sum(f.amount_cents for f in self.by_method)

    @property
    def voids_count(self) -> int:
        return len(self.voids)

    @property
    def voids_cents(self) -> int:
        return sum(v.amount_cents for v in self.voids)

    @property
    def reprints_count(self) -> int:
        return sum(n for _, n in self.reprints)

    @property
    def counted_cents(self) -> int | None:
        return None if self.counted is None else sum(v * n for v, n in self.counted)

    @property
    def difference_cents(self) -> int | None:
        """Counted − expected: negative when the drawer is short."""
        counted = self.counted_cents
        return None if counted is None else counted - self.cash.expected_cents


def _when(at: datetime | None) -> str:
    return at.strftime("%d/%m/%Y %H:%M") if at else ""


def _denomination(cents: int) -> str:
    units, rest = divmod(cents, 100)
    return f"{units} DH" if not rest else f"{rest} c" if not units else format_dh(cents)


def _amount(label: str, amount: str, width: int, bold: bool = False, tall: bool = False) -> list[Element]:
    """Label and amount on one line when they fit; else the whole label, the amount below it
    (a model's name on a Z is never cut short)."""
    if len(label) + 1 + len(amount) <= width:
        return [Text(pair(label, amount, width), bold=bold, tall=tall)]
    return [Text(label, bold=bold, wrap=True), Text(amount.rjust(width), bold=bold, tall=tall)]


def _groups(title: str, figures: tuple[Figure, ...], label: Callable[[Figure], str],
            width: int) -> list[Element]:
    doc: list[Element] = [Text(title, bold=True)]
    if not figures:
        return doc + [Text(t("report.none"))]
    for f in figures:
        doc += _amount(t("report.group", label=label(f), count=f.count), format_dh(f.amount_cents), width)
        if f.model:
            doc.append(Text(t("report.tariff_model", model=f.model)))
    return doc


def report_doc(report: Report, width: int, venue_name: str = "") -> list[Element]:
    rule = Text("-" * width)
    doc: list[Element] = []
    if venue_name:
        doc.append(Text(venue_name, "center", bold=True))
    if report.duplicate:
        doc.append(Text(t("print.duplicate"), "center", bold=True, tall=True))
    title = (t("report.title.Z", number=report.z_number) if report.kind is ReportKind.Z
             else t("report.title.X"))
    doc += [
        Text(title, "center", bold=True, tall=True),
        Text(t("report.desk", desk=report.desk)),
        Text(t("report.session", session=report.session_id)),
        Text(t("report.opened", when=_when(report.opened_at))),
        Text(t("report.opened_by", who=report.opened_by)),
    ]
    if report.kind is ReportKind.Z:
        doc += [Text(t("report.closed", when=_when(report.closed_at))),
                Text(t("report.opened_by", who=report.closed_by or ""))]
    else:
        doc += [Text(t("report.made", when=_when(report.made_at))),
                Text(t("report.opened_by", who=report.made_by)), Text(t("report.x_note"))]
    doc.append(rule)

    doc += _groups(t("report.by_method"), report.by_method, lambda f: t(f"method.{f.key}"), width)
    doc += _amount(t("report.total", count=report.lines_count), format_dh(report.total_cents), width,
                   bold=True)
    doc.append(rule)
    doc += _groups(t("report.by_model"), report.by_model, lambda f: f.key, width)
    doc += _groups(t("report.by_tariff"), report.by_tariff, lambda f: f.key, width)
    doc += _groups(t("report.by_beneficiary"), report.by_beneficiary,
                   lambda f: t(f"beneficiary.{f.key}"), width)
    doc += [
        rule,
        *_amount(t("report.sales"), str(report.sales_count), width),
        *_amount(t("report.carnets"), str(report.carnets), width),
        *_amount(t("report.billets"), str(report.billets), width),
        rule,
        *_amount(t("report.voids", count=report.voids_count), format_dh(report.voids_cents), width,
                 bold=True),
    ]
    for v in report.voids:
        doc += _amount(t("report.void_line", sale=v.sale_number, position=v.position),
                       format_dh(v.amount_cents), width)
        doc.append(Text(t("report.void_model", model=v.model_name)))
        doc.append(Text(t("report.void_reason", reason=v.reason), wrap=True))
        doc.append(Text(t("report.void_who", who=v.voided_by, approved=v.approved_by or "-"), wrap=True))
    doc += [rule, Text(t("report.reprints", count=report.reprints_count), bold=True)]
    for what, n in report.reprints:
        doc += _amount(f"  {t(f'reprint.{what}')}", str(n), width)
    if report.movements:
        doc += [rule, Text(t("report.movements"), bold=True)]
        for m in report.movements:
            sign = "-" if m.kind == "withdrawal" else "+"
            doc += _amount(t(f"till.movement.{m.kind}"), sign + format_dh(m.amount_cents), width)
            doc.append(Text(t("report.movement_reason", reason=m.reason), wrap=True))
            doc.append(Text(t("report.movement_who", who=m.done_by, approved=m.approved_by), wrap=True))

    cash = report.cash
    doc += [
        rule,
        Text(t("report.cash"), bold=True),
        *_amount(t("report.float"), format_dh(cash.float_cents), width),
        *_amount(t("report.cash_taken"), format_dh(cash.cash_taken_cents), width),
        *_amount(t("report.change"), format_dh(-cash.change_cents), width),
        *_amount(t("report.deposits"), format_dh(cash.deposits_cents), width),
        *_amount(t("report.withdrawals"), format_dh(-cash.withdrawals_cents), width),
        *_amount(t("report.expected"), format_dh(cash.expected_cents), width, bold=True),
    ]
    if report.counted is not None:
        doc.append(Text(t("report.counted"), bold=True))
        for value, pieces in report.counted:
            if pieces:
                doc += _amount(t("report.denomination", value=_denomination(value), pieces=pieces),
                               format_dh(value * pieces), width)
        doc += [
            *_amount(t("report.counted_total"), format_dh(report.counted_cents or 0), width, bold=True),
            *_amount(t("report.difference"), format_dh(report.difference_cents or 0), width,
                     bold=True, tall=True),
        ]
    doc += [rule, Text(t("report.head"))]
    head = report.journal_head
    doc += [Text(head)] if len(head) <= width else [Text(part) for part in _split(head, HEAD_SPLIT)]
    doc.append(Cut())
    return doc


def _split(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def report_bytes(report: Report, page: Page, venue_name: str = "") -> bytes:
    return render_bytes(report_doc(report, page.columns, venue_name), page)


def report_text(report: Report, page: Page, venue_name: str = "") -> str:
    return render_text(report_doc(report, page.columns, venue_name), page)


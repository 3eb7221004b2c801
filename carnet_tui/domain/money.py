"""Money is an integer number of centimes, shown French style: ``5 500,00 DH``."""

from __future__ import annotations

import re

from carnet_tui.domain.errors import DomainError

MAX_CENTS = 10**12  # 10 milliards DH: far above any counter sale, below SQLite's integer limit
_AMOUNT = re.compile(r"^(\d{1,13})(?:[.,](\d{1,2}))?$")


def format_amount(cents: int) -> str:
    """``550000`` → ``5 500,00`` (thin groups with a plain space, comma for decimals)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    grouped = f"{units:,}".replace(",", " ")
    return f"{sign}{grouped},{rest:02d}"


def format_dh(cents: int) -> str:
    return f"{format_amount(cents)} DH"


def parse_amount(text: str) -> int:
    """What a cashier types (``12000``, ``12 000``, ``5500,5``, ``5.500,00``) → centimes."""
    raw = text.strip().replace("DH", "").replace("dh", "").strip()
    if raw.startswith("-"):
        raise DomainError("err.amount.negative", field="amount")
    compact = raw.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    # "5.500,00": a dot before a comma is a thousands separator
    if "," in compact and "." in compact:
        compact = compact.replace(".", "")
    match = _AMOUNT.match(compact)
    if not match:
        raise DomainError("err.amount.invalid", field="amount", text=text[:40])
    units, decimals = match.group(1), (match.group(2) or "").ljust(2, "0")
    cents = int(units) * 100 + int(decimals)
    if cents > MAX_CENTS:
        raise DomainError("err.amount.too_large", field="amount")
    return cents


def line_total(unit_cents: int, quantity: int) -> int:
    return unit_cents * quantity

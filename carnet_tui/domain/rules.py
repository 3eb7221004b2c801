"""Bounds on what a cashier types, and the validity date."""

from __future__ import annotations

from datetime import date, timedelta

from carnet_tui.domain.errors import DomainError

QUANTITY_MIN, QUANTITY_MAX = 1, 99
VALIDITY_MIN, VALIDITY_MAX = 1, 3650
BENEFICIARY_TYPES = ("A", "V", "P")
PAYMENT_METHODS = ("cash", "card", "cheque", "transfer")


def _whole(value: object, key: str, field: str) -> int:
    if isinstance(value, bool):
        raise DomainError(key, field=field)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text or len(text) > 6 or not text.isascii() or not text.isdigit():
        raise DomainError(key, field=field)
    return int(text)


def check_quantity(value: object) -> int:
    quantity = _whole(value, "err.quantity.not_number", "quantity")
    if not QUANTITY_MIN <= quantity <= QUANTITY_MAX:
        raise DomainError("err.quantity.range", field="quantity", min=QUANTITY_MIN, max=QUANTITY_MAX)
    return quantity


def check_validity_days(value: object) -> int:
    days = _whole(value, "err.validity.not_number", "validity")
    if not VALIDITY_MIN <= days <= VALIDITY_MAX:
        raise DomainError("err.validity.range", field="validity", min=VALIDITY_MIN, max=VALIDITY_MAX)
    return days


def valid_until(sale_date: date, days: int) -> date:
    """Last day of validity, inclusive: sold 20/12/2019 for 60 days → 17/02/2020."""
    return sale_date + timedelta(days=days - 1)


def check_id(value: object, key: str, field: str) -> int:
    """A row id from the caller: a positive integer that SQLite can hold, else the ``key`` error."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise DomainError(key, field=field)
    return value


def check_beneficiary_type(value: object) -> str:
    text = str(value).strip().upper()
    if text not in BENEFICIARY_TYPES:
        raise DomainError("err.beneficiary.invalid", field="beneficiary", value=str(value)[:20])
    return text


def tariff_allows(allowed_types: str, beneficiary_type: str) -> bool:
    """An empty list of types means the tariff is for everyone."""
    return not allowed_types or beneficiary_type in allowed_types


def format_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"

"""The till's rules: denominations, counted cash, movements, what the drawer should hold. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from carnet_tui.domain.errors import DomainError

# centimes, largest first: billets 200, 100, 50, 20 DH; pièces 10, 5, 2, 1 DH, 50 c
DENOMINATIONS: tuple[int, ...] = (20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50)
COUNT_MAX = 100_000  # pieces of one denomination: far above any drawer, far below an overflow
MOVEMENT_MAX_CENTS = 100_000_000  # 1 000 000 DH


class SessionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class MovementKind(StrEnum):
    DEPOSIT = "deposit"  # dépôt
    WITHDRAWAL = "withdrawal"  # retrait


def check_counts(counts: Mapping[int, object]) -> dict[int, int]:
    """Pieces per denomination as typed (missing = 0) → a full, checked mapping."""
    result: dict[int, int] = {}
    unknown = set(counts) - set(DENOMINATIONS)
    if unknown:
        raise DomainError("err.till.denomination", field="counts")
    for value in DENOMINATIONS:
        raw = counts.get(value, 0)
        if isinstance(raw, bool):
            raise DomainError("err.till.count", field=f"count-{value}")
        if isinstance(raw, str):
            raw = raw.strip() or "0"
            if not (raw.isascii() and raw.isdigit()):
                raise DomainError("err.till.count", field=f"count-{value}")
            raw = int(raw)
        if not isinstance(raw, int) or not 0 <= raw <= COUNT_MAX:
            raise DomainError("err.till.count", field=f"count-{value}")
        result[value] = raw
    return result


def counted_total(counts: Mapping[int, int]) -> int:
    return sum(value * pieces for value, pieces in counts.items())


def check_session_open(status: str) -> None:
    if status != SessionStatus.OPEN:
        raise DomainError("err.till.closed")


@dataclass(frozen=True)
class CashFigures:
    float_cents: int
    cash_taken_cents: int  # tendered by clients paying cash (lines not voided)
    change_cents: int  # given back on those
    deposits_cents: int
    withdrawals_cents: int

    @property
    def expected_cents(self) -> int:
        """float + cash taken − change given + deposits − withdrawals."""
        return (self.float_cents + self.cash_taken_cents - self.change_cents + self.deposits_cents
                - self.withdrawals_cents)

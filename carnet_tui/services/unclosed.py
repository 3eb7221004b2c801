"""Sales paid but not closed, and carnets left unprinted: what must never be stranded.

A sale gets its number with its first paid line; until it is closed (F6) nothing of it can be
printed. A sale left open (Ctrl+Q, a crash, a hang-up) is found again here: offered at start and on
Alt+A, and taken up from the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from carnet_tui.domain.context import Context
from carnet_tui.domain.rules import check_id
from carnet_tui.services import sales
from carnet_tui.store import dialect, queries

OFFER_MAX = 20


@dataclass(frozen=True)
class UnclosedSale:
    """A numbered sale still open, with at least one paid line not voided."""

    id: int
    number: int
    sale_date: date | None
    cashier: str
    total_cents: int  # its lines not voided: all paid, each at its F4
    carnet_numbers: tuple[str, ...]  # its carnets not voided: none printed yet (the sale is open)




def _carnet_numbers(sale_id: int) -> tuple[str, ...]:
    return tuple(c.number for c in sales.sale_carnets(sale_id) if not c.voided)


def _rows(where: str, params: tuple[object, ...], limit: int) -> list[UnclosedSale]:
    found = []
    rows = dialect.rows(queries.UNCLOSED_SALES.format(where=where), (*params, limit))
    for sale_id, number, day, cashier, total in rows:
        if day is not None and not isinstance(day, date):
            day = date.fromisoformat(str(day))
        found.append(UnclosedSale(sale_id, number, day, cashier, int(total or 0), _carnet_numbers(sale_id)))
    return found


def unclosed_sale(sale_id: int) -> UnclosedSale | None:
    """The sale if it is open with a paid line not voided; else None (closed, empty, all void)."""
    found = _rows("AND s.id = ?", (check_id(sale_id, "err.sale.not_found", "sale"),), 1)
    return found[0] if found else None


def unclosed_sales(ctx: Context | None = None, limit: int = OFFER_MAX) -> list[UnclosedSale]:
    """Open sales with paid lines, oldest first; only those ``ctx.user`` opened when given (every
    cashier's otherwise: the history and the command line see them all)."""
    if ctx is None:
        return _rows("", (), limit)
    return _rows("AND s.cashier = ?", (ctx.user,), limit)


def unprinted_carnets(sale_id: int) -> list[str]:
    """Numbers of the sale's carnets not voided whose billets are not all printed, in order."""
    return [c.number for c in sales.sale_carnets(sale_id) if c.print_status in ("unprinted", "partial")]

"""Till sessions, per desk: open with a counted float (more in issue 10's till work)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from carnet_tui.domain.context import Context, Permission
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.journal import canonical_data
from carnet_tui.domain.till import SessionStatus, check_counts, counted_total
from carnet_tui.services import journal
from carnet_tui.services.journal import Event
from carnet_tui.store import db as store
from carnet_tui.store.models import TillSession


@dataclass(frozen=True)
class TillView:
    id: int
    desk: str
    status: SessionStatus
    opened_by: str
    opened_at: datetime
    float_cents: int


def _view(row: TillSession) -> TillView:
    return TillView(row.id, row.desk, SessionStatus(row.status), row.opened_by, row.opened_at,
                    row.float_cents)


def current_session(desk: str) -> TillView | None:
    row = TillSession.get_or_none((TillSession.desk == desk)
                                  & (TillSession.status == SessionStatus.OPEN.value))
    return _view(row) if row else None


def open_till(ctx: Context, counts: Mapping[int, object]) -> TillView:
    """Open the desk's till with the float counted by denominations; the caller then acts with
    ``ctx.with_session(view.id)``."""
    ctx.require(Permission.SELL)
    checked = check_counts(counts)
    total = counted_total(checked)

    def transaction() -> TillView:
        if current_session(ctx.desk) is not None:
            raise DomainError("err.till.already_open", desk=ctx.desk)
        row = TillSession.create(desk=ctx.desk, opened_by=ctx.user, float_cents=total,
                                 float_counts=canonical_data({str(k): v for k, v in checked.items()}))
        journal.record(ctx.with_session(row.id), Event.TILL_OPENED,
                       {"session": row.id, "float": total, "desk": ctx.desk,
                        "counts": {str(k): v for k, v in checked.items()}})
        return _view(row)

    return store.write(transaction)

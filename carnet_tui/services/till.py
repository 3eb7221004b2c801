"""Till sessions, per desk: open with a counted float, cash in and out, X at any time, Z to close.

A report's figures come from aggregated SQL over the session's payments (``store/till_queries.py``),
so an X or a Z costs the same on the first day and after ten years. The Z is frozen when made: its
figures are stored as canonical JSON (``ZReport.body``) with the journal's head before it, and the
journal's ``till_closed`` row holds the same text, so a reprint (DUPLICATA) says exactly what the
first print said and ``journal.verify`` notices if the stored Z is edited.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from carnet_tui.domain.context import Context, Permission, check_approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.journal import canonical_data
from carnet_tui.domain.money import format_dh
from carnet_tui.domain.rules import PAYMENT_METHODS, check_id
from carnet_tui.domain.text import clean_text
from carnet_tui.domain.till import (
    DENOMINATIONS,
    MOVEMENT_MAX_CENTS,
    CashFigures,
    MovementKind,
    SessionStatus,
    check_counts,
    check_session_open,
    counted_total,
)
from carnet_tui.printing.report_layout import (
    Figure,
    MovementFigure,
    Report,
    ReportKind,
    VoidFigure,
)
from carnet_tui.services import journal
from carnet_tui.services.journal import Event
from carnet_tui.store import db as store
from carnet_tui.store import dialect, till_queries
from carnet_tui.store.models import CashMovement, Counter, TillSession, ZReport, now

REASON_MAX = 300
BENEFICIARY_ORDER = ("A", "V", "P")
DUPLICATE_MARK = "duplicata"  # in a ReprintLog detail: a copy, not the original


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


def _open_session(ctx: Context) -> TillSession:
    """The context's session, read inside the caller's transaction: this desk's, and still open."""
    session_id = ctx.require_session()
    row = TillSession.get_or_none(TillSession.id == session_id)
    if row is None or row.desk != ctx.desk:
        raise DomainError("err.till.no_session")
    check_session_open(row.status)
    return row


# --- cash in and out --------------------------------------------------------------------------------

@dataclass(frozen=True)
class MovementView:
    id: int
    session_id: int
    kind: MovementKind
    amount_cents: int
    reason: str
    done_by: str
    approved_by: str


def _check_kind(kind: object) -> MovementKind:
    try:
        return MovementKind(str(kind))
    except ValueError:
        raise DomainError("err.till.movement_kind", field="kind") from None


def _check_amount(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MOVEMENT_MAX_CENTS:
        raise DomainError("err.till.amount", field="amount", max=format_dh(MOVEMENT_MAX_CENTS))
    return amount


def _check_reason(reason: object) -> str:
    text = clean_text(reason if isinstance(reason, str) else "")
    if not text:
        raise DomainError("err.till.reason_required", field="reason")
    if len(text) > REASON_MAX:
        raise DomainError("err.text.too_long", field="reason", max=REASON_MAX)
    return text


def cash_movement(ctx: Context, kind: MovementKind | str, amount_cents: int, reason: str,
                  approval: object) -> MovementView:
    """A deposit (dépôt) or a withdrawal (retrait) of cash, with its reason, approved by a
    responsable. A withdrawal may not take more than the drawer should hold."""
    ctx.require(Permission.SELL)
    approved = check_approval(ctx, approval, "cash_movement")
    kind_ = _check_kind(kind)
    amount = _check_amount(amount_cents)
    why = _check_reason(reason)

    def transaction() -> MovementView:
        session = _open_session(ctx)
        if kind_ is MovementKind.WITHDRAWAL:
            expected = _cash(session).expected_cents
            if amount > expected:
                raise DomainError("err.till.withdrawal_too_large", field="amount",
                                  expected=format_dh(expected))
        row = CashMovement.create(session=session.id, kind=kind_.value, amount_cents=amount, reason=why,
                                  done_by=ctx.user, approved_by=approved.approved_by)
        journal.record(ctx, Event.CASH_MOVEMENT,
                       {"movement": row.id, "session": session.id, "movement_kind": kind_.value,
                        "amount": amount, "reason": why}, approved)
        return MovementView(row.id, session.id, kind_, amount, why, ctx.user, approved.approved_by)

    return store.write(transaction)


# --- the report -------------------------------------------------------------------------------------

def _text_time(value: object) -> str:
    """A time as the same text on both stores (SQLite hands back text, PostgreSQL a datetime)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return str(value or "")


def _as_datetime(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _cash(session: TillSession) -> CashFigures:
    taken, change = dialect.rows(till_queries.CASH, (session.id, "cash"))[0]
    deposits, withdrawals = dialect.rows(
        till_queries.MOVEMENT_SUMS,
        (MovementKind.DEPOSIT.value, MovementKind.WITHDRAWAL.value, session.id))[0]
    return CashFigures(session.float_cents, int(taken), int(change), int(deposits), int(withdrawals))


GroupKey = tuple[str, str]  # (name, model): the model only for a tariff


def _grouped(rows: Iterable[tuple], key: Callable[[tuple], GroupKey],
             order: Callable[[GroupKey], tuple]) -> tuple[Figure, ...]:
    """The rows of ``LINE_GROUPS`` summed by ``key``: lines, carnets, amount."""
    sums: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        name, model = key(row)
        total = sums.setdefault((name, model), [0, 0, 0])
        total[0] += int(row[4])
        total[1] += int(row[5])
        total[2] += int(row[6])
    return tuple(Figure(name, c, q, a, model) for (name, model), (c, q, a) in
                 sorted(sums.items(), key=lambda item: order(item[0])))


def _method_order(key: GroupKey) -> tuple[int, str]:
    method = key[0]
    return (PAYMENT_METHODS.index(method) if method in PAYMENT_METHODS else len(PAYMENT_METHODS), method)


def _type_order(key: GroupKey) -> tuple[int, str]:
    kind = key[0]
    return (BENEFICIARY_ORDER.index(kind) if kind in BENEFICIARY_ORDER else 9, kind)


def _figures(session: TillSession, kind: ReportKind, by: str, at: datetime, head: str,
             counts: Mapping[int, int] | None = None, z_number: int | None = None) -> Report:
    """The session's report, read from the store by aggregates (inside the caller's transaction)."""
    sid = session.id
    groups = dialect.rows(till_queries.LINE_GROUPS, (sid,))
    carnets, billets = dialect.rows(till_queries.CARNETS, (sid,))[0]
    voids = tuple(
        VoidFigure(number, position, model, method, int(amount), reason, voided_by, approved_by or "",
                   _text_time(at_))
        for _id, number, position, model, method, amount, reason, voided_by, approved_by, at_
        in dialect.rows(till_queries.VOIDS, (sid,)))
    reprints = tuple((what, int(n)) for what, n in
                     dialect.rows(till_queries.REPRINTS, (sid, f"%{DUPLICATE_MARK}%")))
    movements = tuple(
        MovementFigure(kind_, int(amount), reason, done_by, approved_by, _text_time(done_at))
        for _id, kind_, amount, reason, done_by, approved_by, done_at
        in dialect.rows(till_queries.MOVEMENTS, (sid,)))
    closing = kind is ReportKind.Z
    return Report(
        kind=kind, desk=session.desk, session_id=sid, z_number=z_number,
        opened_by=session.opened_by, opened_at=_as_datetime(session.opened_at),
        closed_by=by if closing else None, closed_at=at if closing else None,
        made_by=by, made_at=at,
        sales_count=int(dialect.rows(till_queries.SALES_COUNT, (sid,))[0][0]),
        by_method=_grouped(groups, lambda r: (r[0], ""), _method_order),
        by_model=_grouped(groups, lambda r: (r[1], ""), lambda k: k),
        by_tariff=_grouped(groups, lambda r: (r[2], r[1]), lambda k: (k[1], k[0])),
        by_beneficiary=_grouped(groups, lambda r: (r[3], ""), _type_order),
        carnets=int(carnets), billets=int(billets), voids=voids, reprints=reprints,
        movements=movements, cash=_cash(session),
        counted=tuple((v, counts.get(v, 0)) for v in DENOMINATIONS) if counts is not None else None,
        journal_head=head,
    )


# --- the report as stored (the Z's body) ------------------------------------------------------------

def _body(report: Report) -> dict[str, object]:
    """Everything the report says, as JSON values; ``duplicate`` is the print's, not the report's."""
    def figures(items: tuple[Figure, ...]) -> list[list[object]]:
        return [[f.key, f.count, f.carnets, f.amount_cents, f.model] for f in items]

    cash = report.cash
    return {
        "kind": report.kind.value, "desk": report.desk, "session": report.session_id,
        "number": report.z_number, "opened_by": report.opened_by,
        "opened_at": _text_time(report.opened_at), "closed_by": report.closed_by,
        "closed_at": _text_time(report.closed_at) if report.closed_at else None,
        "made_by": report.made_by, "made_at": _text_time(report.made_at),
        "sales": report.sales_count,
        "by_method": figures(report.by_method), "by_model": figures(report.by_model),
        "by_tariff": figures(report.by_tariff), "by_beneficiary": figures(report.by_beneficiary),
        "carnets": report.carnets, "billets": report.billets,
        "voids": [[v.sale_number, v.position, v.model_name, v.method, v.amount_cents, v.reason,
                   v.voided_by, v.approved_by, v.voided_at] for v in report.voids],
        "reprints": [[what, n] for what, n in report.reprints],
        "movements": [[m.kind, m.amount_cents, m.reason, m.done_by, m.approved_by, m.done_at]
                      for m in report.movements],
        "cash": {"float": cash.float_cents, "taken": cash.cash_taken_cents, "change": cash.change_cents,
                 "deposits": cash.deposits_cents, "withdrawals": cash.withdrawals_cents,
                 "expected": cash.expected_cents},
        "counted": None if report.counted is None else [[v, n] for v, n in report.counted],
        "counted_total": report.counted_cents, "difference": report.difference_cents,
        "journal_head": report.journal_head,
    }


def _from_body(text: str, duplicate: bool) -> Report:
    body = json.loads(text)

    def figures(items: list[list]) -> tuple[Figure, ...]:
        return tuple(Figure(k, c, q, a, m) for k, c, q, a, m in items)

    cash = body["cash"]
    return Report(
        kind=ReportKind(body["kind"]), desk=body["desk"], session_id=body["session"],
        z_number=body["number"], opened_by=body["opened_by"],
        opened_at=_as_datetime(body["opened_at"]), closed_by=body["closed_by"],
        closed_at=_as_datetime(body["closed_at"]) if body["closed_at"] else None,
        made_by=body["made_by"], made_at=_as_datetime(body["made_at"]), sales_count=body["sales"],
        by_method=figures(body["by_method"]), by_model=figures(body["by_model"]),
        by_tariff=figures(body["by_tariff"]), by_beneficiary=figures(body["by_beneficiary"]),
        carnets=body["carnets"], billets=body["billets"],
        voids=tuple(VoidFigure(*v) for v in body["voids"]),
        reprints=tuple((what, n) for what, n in body["reprints"]),
        movements=tuple(MovementFigure(*m) for m in body["movements"]),
        cash=CashFigures(cash["float"], cash["taken"], cash["change"], cash["deposits"],
                         cash["withdrawals"]),
        counted=None if body["counted"] is None else tuple((v, n) for v, n in body["counted"]),
        journal_head=body["journal_head"], duplicate=duplicate,
    )


def body_text(report: Report) -> str:
    """The canonical text a Z is stored and journaled as."""
    return canonical_data(_body(report))


def session_cash(ctx: Context) -> CashFigures:
    """What the drawer of the context's open session should hold now (read only, not journaled:
    the count dialog of the Z shows it before the cashier counts)."""
    ctx.require(Permission.SELL)
    return _cash(_open_session(ctx))


# --- X and Z ------------------------------------------------------------------------------------------

def x_report(ctx: Context) -> Report:
    """What the session holds so far; the session stays open. Journaled (who looked, and when)."""
    ctx.require(Permission.SELL)

    def transaction() -> Report:
        session = _open_session(ctx)
        report = _figures(session, ReportKind.X, ctx.user, now(), journal.head()[1])
        journal.record(ctx, Event.X_REPORT,
                       {"session": session.id, "lines": report.lines_count, "total": report.total_cents,
                        "expected": report.cash.expected_cents, "head": report.journal_head})
        return report

    return store.write(transaction)


def z_series(desk: str) -> str:
    """The name of the desk's gap-free Z counter (``Counter.name`` holds 32 characters)."""
    name = f"z:{desk}"
    return name if len(name) <= 32 else "z:#" + hashlib.sha256(desk.encode()).hexdigest()[:29]


def _next_z(desk: str) -> int:
    """Bump the desk's Z counter by upsert inside the caller's transaction: no MAX()+1, no gap."""
    series = z_series(desk)
    Counter.insert(name=series, value=1).on_conflict(
        conflict_target=[Counter.name], update={Counter.value: Counter.value + 1}
    ).execute()
    return Counter.get_by_id(series).value


def close_till(ctx: Context, counts: Mapping[int, object]) -> Report:
    """The Z: the cash counted by denominations against what the drawer should hold; the session
    closed, the next number of the desk's series given, the figures frozen and journaled."""
    ctx.require(Permission.SELL)
    checked = check_counts(counts)

    def transaction() -> Report:
        session = _open_session(ctx)
        number = _next_z(session.desk)
        at = now()
        report = _figures(session, ReportKind.Z, ctx.user, at, journal.head()[1], checked, number)
        body = body_text(report)
        session.status = SessionStatus.CLOSED.value
        session.closed_by, session.closed_at = ctx.user, at
        session.counted_cents = report.counted_cents
        session.counted_counts = canonical_data({str(k): v for k, v in checked.items()})
        session.z_number = number
        session.save()
        z = ZReport.create(session=session.id, desk=session.desk, number=number, body=body,
                           journal_head=report.journal_head, created_at=at)
        journal.record(ctx, Event.TILL_CLOSED,
                       {"z": z.id, "number": number, "body": body, "session": session.id})
        return report

    return store.write(transaction)


# --- past Z reports -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ZSummary:
    id: int
    desk: str
    number: int
    session_id: int
    created_at: datetime
    opened_by: str
    closed_by: str
    total_cents: int
    difference_cents: int | None


def z_reports(desk: str | None = None, limit: int = 200) -> list[ZSummary]:
    """The Z reports, newest first (one desk's, or every desk's)."""
    if isinstance(limit, bool) or not isinstance(limit, int):
        limit = 200
    limit = max(1, min(limit, 10_000))
    where, params = ("z.desk = ?", [clean_text(desk)]) if desk is not None else ("1 = 1", [])
    rows = dialect.rows(till_queries.Z_LIST.format(where=where), (*params, limit))
    bodies = {z.id: z.body for z in ZReport.select(ZReport.id, ZReport.body)
              .where(ZReport.id.in_([r[0] for r in rows]))} if rows else {}
    result = []
    for z_id, desk_, number, session_id, created_at, opened_by, closed_by, _o, _c in rows:
        body = json.loads(bodies[z_id])
        total = sum(f[3] for f in body["by_method"])
        result.append(ZSummary(z_id, desk_, number, session_id, _as_datetime(created_at), opened_by,
                               closed_by or "", total, body.get("difference")))
    return result


def _find_z(z_id: object) -> ZReport:
    row = ZReport.get_or_none(ZReport.id == check_id(z_id, "err.till.z_not_found", "z"))
    if row is None:
        raise DomainError("err.till.z_not_found")
    return row


def z_report(z_id: int) -> Report:
    """A past Z as it was made (read back from its stored body)."""
    return _from_body(_find_z(z_id).body, duplicate=False)


def reprint_z(ctx: Context, z_id: int, approval: object) -> Report:
    """A past Z again, to print marked DUPLICATA, with a responsable's approval (DESIGN.md: every
    reprint); the reprint is journaled with both names."""
    ctx.require(Permission.SELL)
    approved = check_approval(ctx, approval, "reprint")

    def transaction() -> Report:
        row = _find_z(z_id)
        journal.record(ctx, Event.Z_REPRINTED,
                       {"z": row.id, "number": row.number, "z_desk": row.desk,
                        "z_session": row.session_id}, approved)
        return _from_body(row.body, duplicate=True)

    return store.write(transaction)

"""The inalterable journal: append an event inside the caller's write, verify the whole chain.

``record``/``append`` must run inside ``store.write`` (the event and what it records commit together,
under the store's one write lock, so ``seq`` has no gap and the chain no fork).

``verify`` recomputes the chain and also checks that the rows an event vouches for (a payment, a
void, a cash movement, a till session, a Z) still hold what the event recorded, and that no such row
exists without its event: an amount edited, a row deleted or one inserted afterwards is named by the
journal row it contradicts.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from carnet_tui.domain.context import Approval, Context
from carnet_tui.domain.journal import GENESIS, canonical_data, chain, content
from carnet_tui.domain.text import clean_text
from carnet_tui.store import dialect
from carnet_tui.store.models import JournalEntry


class Event(StrEnum):
    """Every kind of journal row. Values are stored: never rename one."""

    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    PIN_FAILED = "pin_failed"
    USER_LOCKED = "user_locked"
    USER_ADDED = "user_added"
    USER_DISABLED = "user_disabled"
    USER_PIN = "user_pin"
    APPROVAL = "approval"
    APPROVAL_REFUSED = "approval_refused"
    LINE_PAID = "line_paid"
    LINE_VOIDED = "line_voided"
    SALE_CLOSED = "sale_closed"
    SALE_FINALIZED = "sale_finalized"
    BILLETS_PRINTED = "billets_printed"  # one row a carnet's print run (original or DUPLICATA)
    RECEIPT_PRINTED = "receipt_printed"
    INVOICE_PRINTED = "invoice_printed"
    REPRINT = "reprint"
    TILL_OPENED = "till_opened"
    CASH_MOVEMENT = "cash_movement"
    X_REPORT = "x_report"
    TILL_CLOSED = "till_closed"  # the Z
    Z_REPRINTED = "z_reprinted"
    EXPORT = "export"
    DOOR_ENTRY = "door_entry"  # issue 11
    CATALOG_CHANGED = "catalog_changed"  # issue 13


def _now_text() -> str:
    return datetime.now().isoformat(timespec="seconds")


def head() -> tuple[int, str]:
    """The last row's sequence number and hash ((0, GENESIS) for an empty journal)."""
    last = JournalEntry.select(JournalEntry.seq, JournalEntry.hash).order_by(
        JournalEntry.seq.desc()).limit(1).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def append(kind: Event | str, data: Mapping[str, object], *, actor: str, desk: str = "",
           approved_by: str = "") -> str:
    """Add one row after the current head; returns its hash. Inside ``store.write`` only."""
    seq, previous = head()
    seq += 1
    at = _now_text()
    text = canonical_data(data)
    actor, approved_by, desk = (clean_text(actor)[:40], clean_text(approved_by)[:40],
                                clean_text(desk)[:40])
    digest = chain(previous, content(seq, at, str(kind), actor, approved_by, desk, text))
    JournalEntry.create(seq=seq, at=at, kind=str(kind), actor=actor, approved_by=approved_by,
                        desk=desk, data=text, prev_hash=previous, hash=digest)
    return digest


def record(ctx: Context, kind: Event | str, data: Mapping[str, object],
           approval: Approval | None = None) -> str:
    """Append an event done by ``ctx`` (and approved by ``approval``'s responsable, if any)."""
    payload = dict(data)
    if ctx.session_id is not None:
        payload.setdefault("session", ctx.session_id)
    if approval is not None:
        payload["asked_by"] = approval.asked_by
        if approval.self_approved:
            payload["self_approved"] = True
    return append(kind, payload, actor=ctx.user, desk=ctx.desk,
                  approved_by=approval.approved_by if approval else "")


# --- verification ---------------------------------------------------------------------------------

class Fault(StrEnum):
    GAP = "gap"  # a row before this one is missing (deleted), or one was put in with a new number
    LINK = "link"  # its link to the row before does not match: a row inserted or moved
    CHANGED = "changed"  # its own content was edited
    ROW_CHANGED = "row_changed"  # the row it vouches for (a payment…) no longer holds what it says
    ROW_MISSING = "row_missing"  # the row it vouches for is gone
    UNJOURNALED = "unjournaled"  # a row of the table exists without its event


@dataclass(frozen=True)
class Verdict:
    ok: bool
    rows: int
    head: str
    bad_seq: int | None = None
    fault: Fault | None = None
    detail: str = ""


# event kind → (table, the data key holding the row's id, {column: data key}) the event vouches for
PROOFS: dict[str, tuple[str, str, dict[str, str]]] = {
    Event.LINE_PAID: ("payment", "payment", {
        "line_id": "line", "method": "method", "amount_cents": "amount", "tendered_cents": "tendered",
        "change_cents": "change", "session_id": "session"}),
    Event.LINE_VOIDED: ("void", "void", {"line_id": "line", "reason": "reason"}),
    Event.CASH_MOVEMENT: ("cash_movement", "movement", {
        "session_id": "session", "kind": "movement_kind", "amount_cents": "amount"}),
    Event.TILL_OPENED: ("till_session", "session", {"float_cents": "float", "desk": "desk"}),
    Event.TILL_CLOSED: ("z_report", "z", {"number": "number", "body": "body"}),
    Event.DOOR_ENTRY: ("entry", "entry", {"door": "door"}),
}
BATCH = 5000


def _rows() -> Iterator[tuple]:
    last = 0
    sql = ("SELECT seq, at, kind, actor, approved_by, desk, data, prev_hash, hash FROM journal "
           "WHERE seq > ? ORDER BY seq LIMIT ?")
    while True:
        batch = dialect.rows(sql, (last, BATCH))
        if not batch:
            return
        yield from batch
        last = batch[-1][0]


def verify() -> Verdict:
    """Recompute the chain from the first row; the first fault found is named by its row."""
    import json

    previous, expected, count = GENESIS, 1, 0
    vouched: dict[str, dict[int, tuple[int, dict]]] = {}
    for seq, at, kind, actor, approved_by, desk, data, prev_hash, digest in _rows():
        if seq != expected:
            return Verdict(False, count, previous, expected if seq > expected else seq, Fault.GAP)
        if prev_hash != previous:
            return Verdict(False, count, previous, seq, Fault.LINK)
        if chain(previous, content(seq, at, kind, actor, approved_by, desk, data)) != digest:
            return Verdict(False, count, previous, seq, Fault.CHANGED)
        proof = PROOFS.get(kind)
        if proof is not None:
            payload = json.loads(data)
            row_id = payload.get(proof[1])
            if isinstance(row_id, int):
                vouched.setdefault(proof[0], {})[row_id] = (seq, payload)
        previous, expected, count = digest, expected + 1, count + 1
    problem = _check_rows(vouched)
    if problem is not None:
        return Verdict(False, count, previous, problem[0], problem[1], problem[2])
    return Verdict(True, count, previous)


def _check_rows(vouched: dict[str, dict[int, tuple[int, dict]]]) -> tuple[int | None, Fault, str] | None:
    """The first contradiction between the journal and the tables: the lowest journal row whose
    vouched row changed or vanished; else a vouched table's row that no event records (no seq)."""
    worst: tuple[int, Fault, str] | None = None
    stray: tuple[None, Fault, str] | None = None
    for table, _key, columns in PROOFS.values():
        wanted = vouched.get(table, {})
        cols = list(columns)
        found: set[int] = set()
        for row in dialect.rows(f"SELECT id, {', '.join(cols)} FROM {table} ORDER BY id", ()):
            row_id = row[0]
            if row_id not in wanted:
                stray = stray or (None, Fault.UNJOURNALED, f"{table} {row_id}")
                continue
            found.add(row_id)
            seq, payload = wanted[row_id]
            for column, value in zip(cols, row[1:], strict=True):
                if not _same(value, payload.get(columns[column])) and (worst is None or seq < worst[0]):
                    worst = (seq, Fault.ROW_CHANGED, f"{table} {row_id} {column}")
                    break
        for row_id, (seq, _payload) in wanted.items():
            if row_id not in found and (worst is None or seq < worst[0]):
                worst = (seq, Fault.ROW_MISSING, f"{table} {row_id}")
    return worst or stray


def _same(stored: object, recorded: object) -> bool:
    if recorded is None or stored is None:
        return stored is None and recorded is None
    return str(stored) == str(recorded)

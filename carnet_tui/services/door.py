"""At the door: the venue's QR keys, checking a billet in exactly once, balances and the entries report.

Rules (docs/DOOR.md): a signed QR must verify under a key not retired; a bare number is either typed
by the agent (``manual``: the agent read the paper) or an old billet's QR, accepted only through
``[door] untagged_until`` and flagged ``legacy``. Then the billet must exist, its line be paid and
not voided, its carnet printed, and ``ctx.today`` within the validity. Accepting is one INSERT
into ``entry`` (unique billet): the database, not the code, makes two doors accept a billet once.
Every scan, accepted or refused, is one journal row (``door_entry``) in the same write.
"""

from __future__ import annotations

import json
import os
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from peewee import fn

from carnet_tui.domain import door
from carnet_tui.domain.context import Context, Permission
from carnet_tui.domain.door import Reason, ScanKind, Verdict
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.text import clean_text
from carnet_tui.services import journal
from carnet_tui.services.journal import Event
from carnet_tui.services.people import SYSTEM
from carnet_tui.store import db as store
from carnet_tui.store import dialect
from carnet_tui.store.models import (
    Billet,
    Carnet,
    DoorKey,
    Entry,
    JournalEntry,
    SaleLine,
    Void,
    database,
    now,
)

# --- keys -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyView:
    """A key as it may be shown: never its secret."""

    letter: str
    created_at: datetime
    retired_at: datetime | None
    signing: bool  # the key new billets are signed with


def _signing_key() -> DoorKey | None:
    return (DoorKey.select().where(DoorKey.retired_at.is_null())
            .order_by(DoorKey.created_at.desc(), DoorKey.id.desc()).first())


def _new_key() -> DoorKey:
    used = {row.letter for row in DoorKey.select(DoorKey.letter)}
    letter = door.next_letter(used)
    if letter is None:
        raise DomainError("err.door.keys_full")
    return DoorKey.create(letter=letter, secret=os.urandom(door.SECRET_BYTES).hex())


def ensure_key() -> str:
    """The signing key's letter, made now if there is none (``init``; the first print)."""

    def transaction() -> str:
        key = _signing_key()
        return (key or _new_key()).letter

    key = _signing_key()
    return key.letter if key else store.write(transaction)


def rotate_key(by: str = SYSTEM) -> str:
    """A new signing key; the older ones keep verifying until retired."""

    def transaction() -> str:
        key = _new_key()
        # the letter only: the secret is never journaled
        journal.append(Event.DOOR_ENTRY, {"key": key.letter, "action": "rotate"}, actor=by)
        return key.letter

    return store.write(transaction)


def retire_key(letter: str, by: str = SYSTEM) -> None:
    """Billets signed under ``letter`` no longer enter. The last key may not go (nothing could be
    signed): rotate first."""
    letter = clean_text(letter).upper()[:1]

    def transaction() -> None:
        key = DoorKey.get_or_none(DoorKey.letter == letter)
        if key is None:
            raise DomainError("err.door.key_unknown", letter=letter)
        if key.retired_at is not None:
            raise DomainError("err.door.key_retired", letter=letter)
        live = DoorKey.select().where(DoorKey.retired_at.is_null()).count()
        if live <= 1:
            raise DomainError("err.door.key_last", letter=letter)
        DoorKey.update(retired_at=now()).where(DoorKey.id == key.id).execute()
        journal.append(Event.DOOR_ENTRY, {"key": letter, "action": "retire"}, actor=by)

    store.write(transaction)


def list_keys() -> list[KeyView]:
    signing = _signing_key()
    return [KeyView(row.letter, row.created_at, row.retired_at, signing is not None and row.id == signing.id)
            for row in DoorKey.select(DoorKey.id, DoorKey.letter, DoorKey.created_at, DoorKey.retired_at)
            .order_by(DoorKey.letter)]


def _live_keys() -> dict[str, bytes]:
    return {row.letter: bytes.fromhex(row.secret)
            for row in DoorKey.select(DoorKey.letter, DoorKey.secret).where(DoorKey.retired_at.is_null())}


def qr_text(billet_number: str) -> str:
    """What a billet's QR holds: its number signed with the signing key (made if missing)."""
    key = _signing_key()
    if key is None:
        ensure_key()
        key = _signing_key()
    assert key is not None
    return door.sign(billet_number, key.letter, bytes.fromhex(key.secret))


# --- checking a billet in -------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryView:
    billet: str
    seq: int
    at: datetime
    door: str
    agent: str
    manual: bool
    legacy: bool


@dataclass(frozen=True)
class CheckIn:
    """The verdict shown at the door."""

    verdict: Verdict
    reason: Reason | None
    billet: str = ""  # the number (or the scanned text, cleaned, when it is none)
    manual: bool = False
    legacy: bool = False
    carnet: str = ""
    client: str = ""
    model: str = ""
    entry_number: int = 0  # this entry is the carnet's n-th
    count: int = 0  # billets in the carnet
    left: int = 0  # billets not yet used
    valid_from: date | None = None
    valid_until: date | None = None
    used: EntryView | None = None  # déjà utilisé: the entry that used it
    void_reason: str = ""
    entry_id: int | None = None  # the entry row made (accepted): its journal row vouches for it

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED


def untagged_until(text: str) -> date | None:
    """``[door] untagged_until`` as a date (blank or not a date: old billets never enter)."""
    try:
        return date.fromisoformat(str(text or "").strip()) if str(text or "").strip() else None
    except ValueError:
        return None


def check_in(ctx: Context, scanned: str, manual: bool = False, until: date | None = None) -> CheckIn:
    """Verify one scanned (or typed) text and, if it passes, let its billet in once.

    ``until``: the last day old billets without a signature are accepted (settings), or None.
    """
    ctx.require(Permission.DOOR)
    scan = door.parse(scanned)
    shown = clean_text(door.normalize(scanned))[:door.MAX_SCAN]
    refusal: Reason | None = None
    legacy = False
    if scan.kind is ScanKind.GARBAGE:
        refusal = Reason.UNKNOWN
    elif scan.kind is ScanKind.SIGNED:
        if not door.verify(scan, _live_keys()):
            refusal = Reason.SIGNATURE
    elif not manual:  # a bare number from the scanner: an old billet
        legacy = True
        if not door.untagged_accepted(ctx.today, until):
            refusal = Reason.UNSIGNED
    number = scan.number or shown

    def transaction() -> CheckIn:
        result = (_refused(refusal, number, manual, legacy) if refusal is not None
                  else _admit(ctx, scan.number, manual, legacy, scan.letter))
        data: dict[str, object] = {
            "billet": result.billet, "verdict": result.verdict.value,
            "reason": result.reason.value if result.reason else "", "manual": manual,
            "legacy": legacy, "door": ctx.desk}
        if result.entry_id is not None:
            data["entry"] = result.entry_id  # journal.verify can check the entry row still says so
        journal.record(ctx, Event.DOOR_ENTRY, data)
        return result

    return store.write(transaction)


def _refused(reason: Reason, number: str, manual: bool, legacy: bool, **more: object) -> CheckIn:
    return CheckIn(Verdict.REFUSED, reason, number, manual, legacy, **more)  # type: ignore[arg-type]


# the billet and all a verdict needs, in one statement (the scan is on the door's hot path: a few
# statements of plain SQL, not a peewee query built each time)
_BILLET_SQL = (
    "SELECT b.id, b.seq, b.print_state, c.id, c.number, c.billets_count, c.valid_from, c.valid_until, "
    "l.id, l.model_name, l.voided, cl.name, "
    "EXISTS (SELECT 1 FROM payment p WHERE p.line_id = l.id), "
    "EXISTS (SELECT 1 FROM print_journal j WHERE j.billet_id = b.id) "
    "FROM billet b JOIN carnet c ON c.id = b.carnet_id JOIN sale_line l ON l.id = c.line_id "
    "LEFT JOIN client cl ON cl.id = l.client_id WHERE b.number = ?"
)
# accepting: one conditional write; the unique billet decides between two doors at the same instant
_ENTER_SQL = (
    "INSERT INTO entry (billet_id, carnet_id, door, agent, at, manual, legacy, key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (billet_id) DO NOTHING"
)


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _admit(ctx: Context, number: str, manual: bool, legacy: bool, letter: str) -> CheckIn:
    found = dialect.rows(_BILLET_SQL, (number,))
    if not found:
        return _refused(Reason.UNKNOWN, number, manual, legacy)
    (billet_id, seq, print_state, carnet_id, carnet_number, count, valid_from, valid_until, line_id,
     model_name, voided, client_name, paid, printed) = found[0]
    about = {"carnet": carnet_number, "client": clean_text(client_name or ""),
             "model": clean_text(model_name), "count": count, "valid_from": _day(valid_from),
             "valid_until": _day(valid_until)}
    if voided:
        void = Void.get_or_none(Void.line == line_id)
        return _refused(Reason.VOIDED, number, manual, legacy, **about,
                        void_reason=clean_text(void.reason) if void else "")
    if not paid:
        return _refused(Reason.UNPAID, number, manual, legacy, **about)
    if print_state == "unprinted" and not printed:
        return _refused(Reason.UNPRINTED, number, manual, legacy, **about)
    invalid = door.validity(ctx.today, about["valid_from"], about["valid_until"])  # type: ignore[arg-type]
    if invalid is not None:
        return _refused(invalid, number, manual, legacy, **about)
    db = database.obj
    cursor = db.execute_sql(dialect.of(db).sql(_ENTER_SQL), (
        billet_id, carnet_id, clean_text(ctx.desk)[:40], clean_text(ctx.user)[:40], now(), manual, legacy,
        letter))
    if cursor.rowcount != 1:  # another door let it in first (or a DUPLICATA of it came before)
        first = Entry.get(Entry.billet == billet_id)
        used = EntryView(number, seq, first.at, first.door, first.agent, first.manual, first.legacy)
        return _refused(Reason.USED, number, manual, legacy, **about, used=used)
    entry_id = dialect.rows("SELECT id FROM entry WHERE billet_id = ?", (billet_id,))[0][0]
    used_count = dialect.rows("SELECT COUNT(*) FROM entry WHERE carnet_id = ?", (carnet_id,))[0][0]
    return CheckIn(Verdict.ACCEPTED, None, number, manual, legacy, entry_number=used_count,
                   left=count - used_count, entry_id=entry_id, **about)  # type: ignore[arg-type]


# --- balances -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    carnet: str
    client: str
    model: str
    count: int
    used: int
    valid_from: date
    valid_until: date
    voided: bool
    entries: list[EntryView] = field(default_factory=list)
    client_id: int | None = None

    @property
    def left(self) -> int:
        return 0 if self.voided else self.count - self.used


def _balance(carnet: Carnet, with_entries: bool) -> Balance:
    line = carnet.line
    entries = [EntryView(b.number, b.seq, e.at, e.door, e.agent, e.manual, e.legacy)
               for e, b in ((e, e.billet) for e in Entry.select(Entry, Billet).join(Billet)
                            .where(Entry.carnet == carnet.id).order_by(Entry.at, Entry.id))]
    return Balance(carnet.number, clean_text(line.client.name) if line.client_id else "",
                   clean_text(line.model_name), carnet.billets_count, len(entries), carnet.valid_from,
                   carnet.valid_until, bool(line.voided), entries if with_entries else [], line.client_id)


def carnet_balance(number: str) -> Balance:
    """A carnet's billets used and left, each entry's time and door; ``number``: a carnet's or a
    billet's number, or a scanned QR."""
    text = door.normalize(number)
    scan = door.parse(text)
    carnet = None
    if scan.number:
        billet = Billet.get_or_none(Billet.number == scan.number)
        carnet = billet.carnet if billet else None
    if carnet is None:
        carnet = Carnet.get_or_none(Carnet.number == text)
    if carnet is None:
        raise DomainError("err.door.no_carnet", field="number", number=clean_text(text)[:40])
    return _balance(carnet, with_entries=True)


def client_carnets(client_id: int) -> list[Balance]:
    """A client's carnets, newest first, with what is left on each."""
    carnets = (Carnet.select(Carnet, SaleLine).join(SaleLine)
               .where(SaleLine.client == client_id).order_by(Carnet.valid_from.desc(), Carnet.id.desc()))
    return [_balance(c, with_entries=False) for c in carnets]


# --- the entries report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EntriesReport:
    day_from: date
    day_to: date
    accepted: int
    refused: int
    manual: int
    legacy: int
    by_hour: list[tuple[date, int, int]]  # (day, hour, entries)
    by_model: list[tuple[str, int]]
    refusals: list[tuple[Reason, int]]


def entries_report(day_from: date, day_to: date) -> EntriesReport:
    """Entries between two days inclusive: by day and hour, by model; refusals by reason (from the
    journal, where every scan is)."""
    start = datetime.combine(day_from, datetime.min.time())
    end = datetime.combine(day_to + timedelta(days=1), datetime.min.time())
    entries = (Entry.select(Entry.at, Entry.manual, Entry.legacy, SaleLine.model_name)
               .join(Carnet).join(SaleLine).where(Entry.at >= start, Entry.at < end).tuples())
    hours: Tally[tuple[date, int]] = Tally()
    models: Tally[str] = Tally()
    manual = legacy = 0
    for at, is_manual, is_legacy, model in entries:
        at = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        hours[(at.date(), at.hour)] += 1
        models[clean_text(model)] += 1
        manual += bool(is_manual)
        legacy += bool(is_legacy)
    refusals: Tally[Reason] = Tally()
    for (data,) in (JournalEntry.select(JournalEntry.data)
                    .where(JournalEntry.kind == Event.DOOR_ENTRY.value, JournalEntry.at >= start.isoformat(),
                           JournalEntry.at < end.isoformat()).tuples()):
        payload = json.loads(data)
        if payload.get("verdict") == Verdict.REFUSED.value:
            try:
                refusals[Reason(payload.get("reason"))] += 1
            except ValueError:
                continue
    return EntriesReport(day_from, day_to, sum(hours.values()), sum(refusals.values()), manual, legacy,
                         sorted((d, h, n) for (d, h), n in hours.items()),
                         sorted(models.items(), key=lambda kv: (-kv[1], kv[0])),
                         sorted(refusals.items(), key=lambda kv: (-kv[1], kv[0].value)))


def entries_count() -> int:
    return Entry.select(fn.COUNT(Entry.id)).scalar() or 0


def report_lines(report: EntriesReport) -> list[str]:
    """The report as lines of text (the screen shows them; the printer prints them)."""
    from carnet_tui.domain.rules import format_date
    from carnet_tui.texts import t

    lines = [t("door.report.title"),
             t("door.report.period", start=format_date(report.day_from), end=format_date(report.day_to)),
             t("door.report.totals", accepted=report.accepted, refused=report.refused,
               manual=report.manual, legacy=report.legacy), "", t("door.report.by_hour")]
    lines += [t("door.report.hour_line", day=format_date(d), hour=h, count=n) for d, h, n in report.by_hour]
    lines += ["", t("door.report.by_model")]
    lines += [t("door.report.count_line", label=m, count=n) for m, n in report.by_model]
    lines += ["", t("door.report.refusals")]
    lines += [t("door.report.count_line", label=t(f"door.reason.{r.value}"), count=n)
              for r, n in report.refusals]
    return lines


def print_report(report: EntriesReport, settings: object) -> None:
    """The report on the desk's thermal printer (a PrinterError when it cannot)."""
    from carnet_tui.printing.layouts import Cut, Text, render_bytes
    from carnet_tui.services import printing

    doc = [Text(settings.venue.name, "center", bold=True)]  # type: ignore[attr-defined]
    doc += [Text(line, wrap=True) for line in report_lines(report)] + [Cut()]
    printing._print_once(settings, render_bytes(doc, printing._page(settings)))  # type: ignore[arg-type]

"""Till sessions without sales: cash movements, X, Z, Z numbers per desk, past Z and DUPLICATA.

The figures of sales are checked on a whole day in tests/test_day.py.
"""

from __future__ import annotations

import json

import pytest
from support.day import DESK, NAMES, approval, counter_context

from carnet_tui.domain.context import Approval, Role, self_approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.till import DENOMINATIONS, MOVEMENT_MAX_CENTS, MovementKind
from carnet_tui.services import journal, people, till
from carnet_tui.services.journal import Event
from carnet_tui.store.models import CashMovement, Counter, JournalEntry, TillSession, ZReport

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)
MANAGER = NAMES[Role.RESPONSABLE]  # the responsable whose PIN support.day.approval types


def _refused(key: str, call, *args, **kwargs) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.key == key, caught.value.key
    return caught.value


def _events(kind: Event) -> list[JournalEntry]:
    return list(JournalEntry.select().where(JournalEntry.kind == kind.value).order_by(JournalEntry.seq))


def test_deposit_and_withdrawal_are_approved_recorded_and_journaled(connected):
    ctx = counter_context(counts={20000: 2, 1000: 10})  # 500,00 DH
    deposit = till.cash_movement(ctx, MovementKind.DEPOSIT, 10000, "  Monnaie\tde la banque ",
                                 approval(ctx, "cash_movement"))
    withdrawal = till.cash_movement(ctx, "withdrawal", 60000, "Dépôt en banque",
                                    approval(ctx, "cash_movement"))
    assert deposit.reason == "Monnaie de la banque"  # cleaned: a tab is no part of a reason
    rows = list(CashMovement.select().order_by(CashMovement.id))
    assert [(r.kind, r.amount_cents, r.done_by, r.approved_by, r.session_id) for r in rows] == [
        ("deposit", 10000, "amina", MANAGER, ctx.session_id),
        ("withdrawal", 60000, "amina", MANAGER, ctx.session_id),
    ]
    events = _events(Event.CASH_MOVEMENT)
    assert [(e.actor, e.approved_by, e.desk) for e in events] == [("amina", MANAGER, DESK)] * 2
    data = json.loads(events[1].data)
    assert data["movement"] == withdrawal.id and data["movement_kind"] == "withdrawal"
    assert data["amount"] == 60000 and data["session"] == ctx.session_id
    assert data["reason"] == "Dépôt en banque" and data["asked_by"] == "amina"
    assert till.session_cash(ctx).expected_cents == 0  # read only: no journal row
    report = till.x_report(ctx)
    assert report.cash == till.session_cash(ctx)
    assert (report.cash.deposits_cents, report.cash.withdrawals_cents) == (10000, 60000)
    assert report.cash.expected_cents == 50000 + 10000 - 60000
    assert journal.verify().ok


def test_a_withdrawal_cannot_take_more_than_the_drawer_holds(connected):
    ctx = counter_context(counts={10000: 5})
    error = _refused("err.till.withdrawal_too_large", till.cash_movement, ctx, MovementKind.WITHDRAWAL,
                     50001, "Trop", approval(ctx, "cash_movement"))
    assert "500,00 DH" in error.message
    till.cash_movement(ctx, MovementKind.WITHDRAWAL, 50000, "Tout", approval(ctx, "cash_movement"))
    _refused("err.till.withdrawal_too_large", till.cash_movement, ctx, MovementKind.WITHDRAWAL, 1,
             "Encore", approval(ctx, "cash_movement"))
    assert CashMovement.select().count() == len(_events(Event.CASH_MOVEMENT)) == 1


def test_cash_movement_refusals_leave_nothing(connected):
    ctx = counter_context()
    ok = approval(ctx, "cash_movement")
    _refused("err.approval.required", till.cash_movement, ctx, MovementKind.DEPOSIT, 100, "x", None)
    _refused("err.approval.required", till.cash_movement, ctx, MovementKind.DEPOSIT, 100, "x",
             approval(ctx, "void"))
    other = Approval("someone", MANAGER, ok.approver_id, "cash_movement")  # asked by someone else
    _refused("err.approval.required", till.cash_movement, ctx, MovementKind.DEPOSIT, 100, "x", other)
    _refused("err.till.reason_required", till.cash_movement, ctx, MovementKind.DEPOSIT, 100, " \x1b ", ok)
    _refused("err.text.too_long", till.cash_movement, ctx, MovementKind.DEPOSIT, 100, "x" * 301, ok)
    for amount in (0, -5, MOVEMENT_MAX_CENTS + 1, 12.5, "100", True, None):
        _refused("err.till.amount", till.cash_movement, ctx, MovementKind.DEPOSIT, amount, "x", ok)
    _refused("err.till.movement_kind", till.cash_movement, ctx, "vol", 100, "x", ok)
    _refused("err.till.no_session", till.cash_movement, ctx.with_session(None), MovementKind.DEPOSIT,
             100, "x", ok)
    elsewhere = people.sign_in("amina", "1234", "Caisse 2", ctx.today).with_session(ctx.session_id)
    _refused("err.till.no_session", till.cash_movement, elsewhere, MovementKind.DEPOSIT, 100, "x",
             approval(elsewhere, "cash_movement"))
    assert CashMovement.select().count() == 0 and not _events(Event.CASH_MOVEMENT)


def test_a_responsable_alone_approves_their_own_movement(connected):
    ctx = counter_context(role=Role.RESPONSABLE, counts={10000: 1})
    till.cash_movement(ctx, MovementKind.DEPOSIT, 500, "Appoint", self_approval(ctx, "cash_movement"))
    event = _events(Event.CASH_MOVEMENT)[0]
    assert (event.actor, event.approved_by) == (MANAGER, MANAGER)
    assert json.loads(event.data)["self_approved"] is True


def test_x_report_of_an_empty_session_and_its_journal_row(connected):
    ctx = counter_context(counts={20000: 1, 50: 3})
    head_before = journal.head()[1]
    report = till.x_report(ctx)
    assert report.kind == "X" and report.z_number is None and report.closed_by is None
    assert report.session_id == ctx.session_id and report.desk == DESK and report.opened_by == "amina"
    assert (report.lines_count, report.total_cents, report.sales_count) == (0, 0, 0)
    assert report.by_method == report.by_model == report.by_tariff == report.by_beneficiary == ()
    assert (report.carnets, report.billets, report.voids, report.reprints) == (0, 0, (), ())
    assert report.cash.float_cents == report.cash.expected_cents == 20150
    assert report.counted is None and report.difference_cents is None
    assert report.journal_head == head_before
    event = _events(Event.X_REPORT)[-1]
    assert json.loads(event.data)["head"] == head_before and event.prev_hash == head_before
    assert TillSession.get_by_id(ctx.session_id).status == "open"  # an X closes nothing


def test_z_closes_the_session_frozen_and_journaled(connected):
    ctx = counter_context(counts={20000: 2, 1000: 10})
    counts = {20000: 2, 1000: 8, 50: 1}  # 480,50 DH: 19,50 DH short
    head_before = journal.head()[1]
    z = till.close_till(ctx, counts)
    assert z.kind == "Z" and z.z_number == 1 and z.closed_by == "amina" and not z.duplicate
    assert z.counted == tuple((v, counts.get(v, 0)) for v in DENOMINATIONS)
    assert z.counted_cents == 48050 and z.difference_cents == 48050 - 50000
    assert z.journal_head == head_before
    session = TillSession.get_by_id(ctx.session_id)
    assert (session.status, session.closed_by, session.z_number, session.counted_cents) == (
        "closed", "amina", 1, 48050)
    row = ZReport.get(ZReport.session == ctx.session_id)
    assert (row.desk, row.number, row.journal_head) == (DESK, 1, head_before)
    assert row.body == till.body_text(z)
    event = _events(Event.TILL_CLOSED)[-1]
    assert event.prev_hash == head_before  # the head printed on the Z is the row before it
    data = json.loads(event.data)
    assert data == {"z": row.id, "number": 1, "body": row.body, "session": ctx.session_id}
    assert journal.verify().ok
    # closed: nothing more in it
    _refused("err.till.closed", till.x_report, ctx)
    _refused("err.till.closed", till.close_till, ctx, counts)
    _refused("err.till.closed", till.cash_movement, ctx, MovementKind.DEPOSIT, 100, "x",
             approval(ctx, "cash_movement"))
    assert till.current_session(DESK) is None


def test_z_numbers_are_gap_free_per_desk_and_independent_between_desks(connected):
    numbers = []
    for desk in ("Caisse 1", "Caisse 2", "Caisse 1", "Caisse 1", "Caisse 2"):
        numbers.append((desk, till.close_till(counter_context(desk=desk), {}).z_number))
    assert numbers == [("Caisse 1", 1), ("Caisse 2", 1), ("Caisse 1", 2), ("Caisse 1", 3), ("Caisse 2", 2)]
    # a refused Z takes no number
    ctx = counter_context(desk="Caisse 2")
    _refused("err.till.count", till.close_till, ctx, {20000: -1})
    assert till.close_till(ctx, {}).z_number == 3
    assert Counter.get_by_id("z:Caisse 1").value == 3


def test_a_long_desk_name_has_its_own_series(connected):
    stem = "Guichet principal de la piscine "
    long_a, long_b = stem + "A" * 8, stem + "B" * 8
    assert len(long_a) == 40 and till.z_series(long_a) != till.z_series(long_b)
    assert len(till.z_series(long_a)) <= 32
    assert till.close_till(counter_context(desk=long_a), {}).z_number == 1
    assert till.close_till(counter_context(desk=long_b), {}).z_number == 1
    assert till.close_till(counter_context(desk=long_a), {}).z_number == 2


def test_past_z_found_read_back_and_reprinted_as_duplicata(connected):
    float_ = {10000: 5}  # 500,00 DH
    first = till.close_till(counter_context(desk="Caisse 1", counts=float_), {10000: 5})
    other = till.close_till(counter_context(desk="Caisse 2", counts=float_), {10000: 4})
    second = till.close_till(counter_context(desk="Caisse 1", counts=float_), {10000: 6})
    everything = till.z_reports()
    assert [(z.desk, z.number) for z in everything] == [("Caisse 1", 2), ("Caisse 2", 1), ("Caisse 1", 1)]
    ones = till.z_reports("Caisse 1")
    assert [z.number for z in ones] == [2, 1] and ones[0].difference_cents == 10000
    assert [z.number for z in till.z_reports(limit=1)] == [2]
    assert till.z_report(ones[1].id) == first and till.z_report(everything[1].id) == other
    ctx = counter_context(open_till=False)
    _refused("err.approval.required", till.reprint_z, ctx, ones[0].id, None)  # every reprint approved
    copy = till.reprint_z(ctx, ones[0].id, approval(ctx, "reprint"))
    assert copy == second and copy.duplicate and not second.duplicate
    event = _events(Event.Z_REPRINTED)[-1]
    assert json.loads(event.data)["z"] == ones[0].id and event.actor == "amina"
    assert event.approved_by == NAMES[Role.RESPONSABLE]
    _refused("err.till.z_not_found", till.z_report, 999)
    _refused("err.till.z_not_found", till.reprint_z, ctx, "1; DROP TABLE z_report",
             approval(ctx, "reprint"))
    assert journal.verify().ok


def test_who_may_do_what(connected):
    ctx = counter_context()
    door = counter_context(role=Role.CONTROLEUR, open_till=False)
    assert door.role == Role.CONTROLEUR and door.session_id == ctx.session_id
    _refused("err.user.not_allowed", till.x_report, door)
    _refused("err.user.not_allowed", till.close_till, door, {})
    _refused("err.user.not_allowed", till.cash_movement, door, MovementKind.DEPOSIT, 100, "x", None)
    _refused("err.till.no_session", till.x_report, ctx.with_session(None))


"""Hostile input at the till's services: a DomainError (with every table as it was) or a success.

Any counts, kinds, amounts, reasons and ids; the journal still verifies after each run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.day import approval, counter_context
from test_hostile_services import EXAMPLES, hostile_int, hostile_text, hostile_value, outcome

from carnet_tui.domain.context import Context
from carnet_tui.domain.till import DENOMINATIONS, MovementKind
from carnet_tui.services import journal, till
from carnet_tui.services.journal import Event
from carnet_tui.store import db as store
from carnet_tui.store.models import CashMovement, JournalEntry, TillSession, ZReport

hostile_counts = st.dictionaries(
    st.one_of(st.sampled_from(DENOMINATIONS), hostile_int), hostile_value, max_size=10)
plain_counts = st.dictionaries(st.sampled_from(DENOMINATIONS), st.integers(0, 50), max_size=9)


@pytest.fixture(scope="module", params=["sqlite", "pg"])
def till_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "pg":
        from support import pg

        if not pg.available():
            pytest.skip("PostgreSQL is not installed here")
        store.close()
        location = pg.fresh_database()
    else:
        location = str(tmp_path_factory.mktemp("till-hostile") / "till.db")
    store.connect(location)
    yield location
    store.close()


def _open(ctx: Context) -> Context:
    view = till.current_session(ctx.desk)
    return ctx.with_session(view.id) if view else counter_context(desk=ctx.desk)


def _journaled(kind: Event, model) -> None:  # type: ignore[no-untyped-def]
    assert JournalEntry.select().where(JournalEntry.kind == kind.value).count() == model.select().count()


def test_cash_movement_takes_anything(till_store: str) -> None:
    store.connect(till_store)
    ctx = counter_context(desk="Hostile 1")
    yes = approval(ctx, "cash_movement")

    @EXAMPLES
    @given(
        kind=st.one_of(st.sampled_from(list(MovementKind)), st.sampled_from(["deposit", "withdrawal"]),
                       hostile_value),
        amount=st.one_of(st.integers(1, 10_000), hostile_value),
        reason=st.one_of(st.just("Appoint"), hostile_text),
        approval=st.sampled_from(["yes", "none", "text"]),
    )
    def run(kind: object, amount: object, reason: object, approval: str) -> None:
        given_approval = {"yes": yes, "none": None, "text": "cash_movement"}[approval]
        done = outcome(lambda: till.cash_movement(ctx, kind, amount, reason, given_approval))  # type: ignore[arg-type]
        if done:
            row = CashMovement.select().order_by(CashMovement.id.desc()).first()
            assert 1 <= row.amount_cents and row.reason and "\x00" not in row.reason
        _journaled(Event.CASH_MOVEMENT, CashMovement)

    run()
    assert till.x_report(ctx).cash.expected_cents >= 0  # no withdrawal ever took the drawer below 0
    assert journal.verify().ok


def test_open_and_close_take_any_count(till_store: str) -> None:
    store.connect(till_store)
    ctx = counter_context(desk="Hostile 2", open_till=False)

    @EXAMPLES
    @given(counts=st.one_of(hostile_counts, plain_counts), closing=st.booleans())
    def run(counts: dict, closing: bool) -> None:
        current = till.current_session(ctx.desk)
        if current is None:
            opened_view: list = []
            if outcome(lambda: opened_view.append(till.open_till(ctx, counts))):
                assert TillSession.get_by_id(opened_view[0].id).float_cents >= 0
        elif closing:
            report: list = []
            if outcome(lambda: report.append(till.close_till(ctx.with_session(current.id), counts))):
                assert report[0].counted_cents >= 0
        _journaled(Event.TILL_CLOSED, ZReport)
        _journaled(Event.TILL_OPENED, TillSession)

    run()
    numbers = [z.number for z in ZReport.select().where(ZReport.desk == ctx.desk).order_by(ZReport.number)]
    assert numbers == list(range(1, len(numbers) + 1))  # whatever was refused: no gap
    assert journal.verify().ok


def test_past_z_lookups_take_any_id(till_store: str) -> None:
    store.connect(till_store)
    ctx = _open(counter_context(desk="Hostile 3", open_till=False))
    till.close_till(ctx, {10000: 1})
    yes = approval(ctx, "reprint")

    @EXAMPLES
    @given(z_id=hostile_value, desk=st.one_of(st.none(), hostile_text), limit=hostile_value)
    def run(z_id: object, desk: str | None, limit: object) -> None:
        outcome(lambda: till.z_report(z_id))  # type: ignore[arg-type]
        outcome(lambda: till.reprint_z(ctx, z_id, yes))  # type: ignore[arg-type]
        outcome(lambda: till.z_reports(desk, limit))  # type: ignore[arg-type]

    run()
    assert journal.verify().ok

"""The sale side of a day at the counter: who acts (the context), what needs a responsable (voids,
reprints, finalizing with an unprinted carnet), payments bound to the desk's open till, and the
journal row each event writes in its own transaction. Real store, real services."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.day import DAY, DESK, approval, counter_context, staff
from test_print_support import manual_sale, parse, settings_for

from carnet_tui.domain.context import Approval, Role, self_approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.domain.till import SessionStatus
from carnet_tui.services import journal, printing, sales, unclosed
from carnet_tui.store import db as store
from carnet_tui.store.models import (
    TABLES,
    Billet,
    JournalEntry,
    Payment,
    ReprintLog,
    Sale,
    TillSession,
    Void,
)


def _counts() -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in TABLES}


def _line(cat, quantity: object = 1) -> sales.LineRequest:
    return sales.LineRequest("V", cat.model_id, cat.visitor_tariff_id, quantity, 60)


def _rows(kind: str) -> list[JournalEntry]:
    return list(JournalEntry.select().where(JournalEntry.kind == kind).order_by(JournalEntry.seq))


def _refused(key: str, call) -> None:
    """Refused with ``key``, and nothing written: no row in any table, the journal included."""
    before = _counts()
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.key == key, caught.value.key
    assert _counts() == before


# --- payments and the till session --------------------------------------------------------------


def test_a_paid_line_is_journaled_with_what_verify_checks(manual_catalog, ctx):
    sale_id = sales.open_sale(ctx)
    paid = sales.pay_line(ctx, sale_id, _line(manual_catalog, 2), PaymentInput("cash", 1200000))
    payment = Payment.get()
    sale = Sale.get_by_id(sale_id)
    assert (sale.cashier, sale.desk, sale.sale_date) == ("amina", DESK, DAY)
    assert payment.session_id == ctx.session_id
    (row,) = _rows("line_paid")
    data = json.loads(row.data)
    assert (row.actor, row.desk, row.approved_by) == ("amina", DESK, "")
    assert data == {
        "payment": payment.id, "line": paid.line_id, "method": "cash", "amount": 1100000,
        "tendered": 1200000, "change": 100000, "session": ctx.session_id, "sale": paid.sale_number,
        "carnets": paid.carnet_numbers,
    }
    assert journal.verify().ok


def test_the_sale_day_is_the_contexts(manual_catalog):
    ctx = counter_context(today=date(2024, 3, 1))
    paid = sales.pay_line(ctx, sales.open_sale(ctx), _line(manual_catalog), PaymentInput("card"))
    assert paid.carnet_numbers == ["20240301-1"]
    assert Sale.get().sale_date == date(2024, 3, 1)


def test_no_payment_without_the_desks_open_till(manual_catalog):
    closed_desk = counter_context(open_till=False)
    assert closed_desk.session_id is None
    sale_id = sales.open_sale(closed_desk)  # a sale may wait; its lines may not be paid
    _refused("err.till.no_session",
             lambda: sales.pay_line(closed_desk, sale_id, _line(manual_catalog), PaymentInput("card")))
    # another desk's open till is not this desk's
    other = counter_context(desk="Caisse 2", role=Role.RESPONSABLE)
    borrowed = closed_desk.with_session(other.session_id)
    _refused("err.till.no_session",
             lambda: sales.pay_line(borrowed, sale_id, _line(manual_catalog), PaymentInput("card")))
    # a session that was closed (its Z made) takes no more payments, nor does one that never was
    here = counter_context()
    store.write(lambda: TillSession.update(status=SessionStatus.CLOSED.value)
                .where(TillSession.id == here.session_id).execute())
    for session in (here.session_id, 999, -1, 2**70):
        _refused("err.till.no_session",
                 lambda session=session: sales.pay_line(here.with_session(session), sale_id,
                                                        _line(manual_catalog), PaymentInput("card")))
    assert Payment.select().count() == 0 and journal.verify().ok


def test_a_controleur_cannot_sell(manual_catalog):
    door = counter_context(role=Role.CONTROLEUR, open_till=False)
    _refused("err.user.not_allowed", lambda: sales.open_sale(door))


# --- voids ---------------------------------------------------------------------------------------


def test_a_void_needs_a_responsables_approval_and_records_both_names(manual_catalog, ctx):
    sale_id = sales.open_sale(ctx)
    paid = sales.pay_line(ctx, sale_id, _line(manual_catalog, 2), PaymentInput("card"))
    wrong_action = approval(ctx, "reprint")
    someone_else = Approval("omar", "karim", 2, "void")  # asked by another cashier: not this one's
    for offered in (None, wrong_action, someone_else, "karim", object()):
        _refused("err.approval.required",
                 lambda offered=offered: sales.void_line(ctx, paid.line_id, "erreur de tarif", offered))
    yes = approval(ctx, "void")
    sales.void_line(ctx, paid.line_id, "  erreur   de tarif ", yes)
    void = Void.get()
    assert (void.voided_by, void.approved_by, void.reason) == ("amina", "karim", "erreur de tarif")
    (row,) = _rows("line_voided")
    assert (row.actor, row.approved_by) == ("amina", "karim")
    data = json.loads(row.data)
    assert (data["void"], data["line"], data["reason"], data["amount"]) == (
        void.id, paid.line_id, "erreur de tarif", 1100000)
    assert data["asked_by"] == "amina" and "self_approved" not in data
    assert journal.verify().ok
    history = printing.sale_history(sale_id)[0]
    assert history.summary.endswith("(amina, accord karim) : erreur de tarif")


def test_a_responsable_alone_approves_their_own_void(manual_catalog):
    boss = counter_context(role=Role.RESPONSABLE)
    paid = sales.pay_line(boss, sales.open_sale(boss), _line(manual_catalog), PaymentInput("card"))
    sales.void_line(boss, paid.line_id, "client parti", self_approval(boss, "void"))
    assert (Void.get().voided_by, Void.get().approved_by) == ("karim", "karim")
    (row,) = _rows("line_voided")
    assert (row.actor, row.approved_by) == ("karim", "karim")
    assert json.loads(row.data)["self_approved"] is True
    with pytest.raises(DomainError):  # a cashier cannot approve their own
        self_approval(counter_context(), "void")


# --- closing and finalizing ------------------------------------------------------------------------


def test_finalizing_with_an_unprinted_carnet_needs_approval(manual_catalog, tmp_path, ctx):
    sale_id = manual_sale(manual_catalog)  # 815 and 815A, closed, nothing printed yet
    out = tmp_path / "out.bin"
    first = sales.sale_carnets(sale_id)[0]
    printing.print_carnet(ctx, first.carnet_id, settings_for(tmp_path, f"file:{out}"))
    for offered in (None, approval(ctx, "void")):
        _refused("err.approval.required", lambda offered=offered: sales.finalize_sale(ctx, sale_id, offered))
    assert Sale.get_by_id(sale_id).status == "closed"
    sales.finalize_sale(ctx, sale_id, approval(ctx, "finalize_unprinted"))
    (row,) = _rows("sale_finalized")
    assert (row.actor, row.approved_by) == ("amina", "karim")
    assert json.loads(row.data)["unprinted"] == ["20191220-815A"]
    assert journal.verify().ok


def test_a_sale_all_printed_is_finalized_without_anyone(manual_catalog, tmp_path, ctx):
    sale_id = manual_sale(manual_catalog)
    settings = settings_for(tmp_path, f"file:{tmp_path / 'out.bin'}")
    for carnet in sales.sale_carnets(sale_id):
        printing.print_carnet(ctx, carnet.carnet_id, settings)
    sales.finalize_sale(ctx, sale_id)
    (row,) = _rows("sale_finalized")
    assert row.approved_by == "" and "unprinted" not in json.loads(row.data)


def test_unclosed_sales_are_offered_to_the_cashier_who_opened_them(manual_catalog, ctx):
    mine = sales.open_sale(ctx)
    sales.pay_line(ctx, mine, _line(manual_catalog), PaymentInput("card"))
    boss = counter_context(role=Role.RESPONSABLE)
    theirs = sales.open_sale(boss)
    sales.pay_line(boss, theirs, _line(manual_catalog), PaymentInput("card"))
    assert [s.id for s in unclosed.unclosed_sales(ctx)] == [mine]
    assert [s.id for s in unclosed.unclosed_sales(boss)] == [theirs]
    assert [s.id for s in unclosed.unclosed_sales()] == [mine, theirs]


# --- a whole sale day, journaled ---------------------------------------------------------------------


def test_a_sale_day_is_journaled_and_verifies(manual_catalog, tmp_path, ctx):
    out = tmp_path / "out.bin"
    settings = settings_for(tmp_path, f"file:{out}")
    sale_id = sales.open_sale(ctx)
    sales.pay_line(ctx, sale_id, _line(manual_catalog, 2), PaymentInput("cash", 1100000))
    cheque = sales.pay_line(ctx, sale_id, _line(manual_catalog), PaymentInput("cheque", None, "1234567"))
    sales.void_line(ctx, cheque.line_id, "chèque refusé", approval(ctx, "void"))
    sales.pay_line(ctx, sale_id, _line(manual_catalog), PaymentInput("card"))
    carnets = sales.close_sale(ctx, sale_id)
    printing.print_receipt(ctx, sale_id, settings)
    for carnet in carnets:
        printing.print_carnet(ctx, carnet.carnet_id, settings)
    printing.reprint_billets(ctx, carnets[0].carnet_id, settings, "bourrage", approval(ctx, "reprint"), 2, 3)
    printing.print_invoice(ctx, sale_id, settings)
    sales.finalize_sale(ctx, sale_id)
    kinds = [r.kind for r in JournalEntry.select().order_by(JournalEntry.seq)]
    sale_kinds = [k for k in kinds if k not in ("user_added", "sign_in", "pin_failed")]
    assert sale_kinds == [
        "till_opened", "line_paid", "line_paid", "line_voided", "line_paid", "sale_closed",
        "receipt_printed", "billets_printed", "billets_printed", "billets_printed", "reprint",
        "billets_printed", "invoice_printed", "sale_finalized",
    ]
    # one row a print run, never one a billet: 3 carnets × 15 billets and a reprint make 4 rows
    runs = [json.loads(r.data) for r in _rows("billets_printed")]
    assert [(r["first"], r["last"], r["duplicate"]) for r in runs] == [
        (1, 15, False), (1, 15, False), (1, 15, False), (2, 3, True)]
    assert Billet.select().where(Billet.print_state == "sent").count() == 45
    assert len(parse(out.read_bytes())) == 1 + 45 + 2 + 1  # receipt, billets, 2 duplicates, invoice
    verdict = journal.verify()
    assert verdict.ok, verdict
    # a payment edited afterwards is named by the row that recorded it
    first_paid = _rows("line_paid")[0]
    store.write(lambda: Payment.update(amount_cents=1).where(
        Payment.id == json.loads(first_paid.data)["payment"]).execute())
    verdict = journal.verify()
    assert not verdict.ok and verdict.bad_seq == first_paid.seq and verdict.fault == journal.Fault.ROW_CHANGED


def test_a_reprint_is_refused_without_approval_and_logged_with_both_names(manual_catalog, tmp_path, ctx):
    sale_id = manual_sale(manual_catalog)
    settings = settings_for(tmp_path, f"file:{tmp_path / 'out.bin'}")
    carnet = sales.sale_carnets(sale_id)[0]
    printing.print_carnet(ctx, carnet.carnet_id, settings)
    printing.print_receipt(ctx, sale_id, settings)
    for offered in (None, approval(ctx, "void"), Approval("omar", "karim", 2, "reprint")):
        _refused("err.approval.required", lambda offered=offered: printing.reprint_billets(
            ctx, carnet.carnet_id, settings, "bourrage", offered, 1, 2))
        _refused("err.approval.required",
                 lambda offered=offered: printing.reprint_receipt(ctx, sale_id, settings, "perdu", offered))
    yes = approval(ctx, "reprint")
    printing.reprint_receipt(ctx, sale_id, settings, "perdu", yes)
    log = ReprintLog.get(ReprintLog.reason == "perdu")
    assert (log.done_by, log.approved_by) == ("amina", "karim")
    (row,) = _rows("reprint")
    assert (row.actor, row.approved_by, json.loads(row.data)["kind"]) == ("amina", "karim", "receipt")
    assert journal.verify().ok


# --- hostile input on the services that changed ---------------------------------------------------------

hostile = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
    st.sampled_from([2**63, -(2**63) - 1, 10**30, "1", " 2 ", "void", "reprint", b"1", [1]]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(session=hostile, line=hostile, sale=hostile, reason=st.one_of(st.text(max_size=40), hostile),
       given_approval=st.one_of(hostile, st.sampled_from(["void", "reprint", "finalize_unprinted"])))
def test_changed_services_refuse_hostile_input_whole(tmp_path_factory, session, line, sale, reason,
                                                     given_approval):
    path = tmp_path_factory.mktemp("hostile") / "carnet.db"
    store.connect(str(path))
    try:
        from carnet_tui.store.models import CarnetModel, Tariff

        model = CarnetModel.create(name="Carnet 15", billets_count=15, validity_days=60)
        tariff = Tariff.create(model=model, label="Plein tarif", price_cents=550000)
        staff({"amina": Role.CAISSIER, "karim": Role.RESPONSABLE})
        ctx = counter_context()
        request = sales.LineRequest("V", model.id, tariff.id, 1, 60)
        sale_id = sales.open_sale(ctx)
        paid = sales.pay_line(ctx, sale_id, request, PaymentInput("card"))
        # an approval as given: a real one for the named action, or the hostile object itself
        made = (approval(ctx, given_approval) if given_approval in ("void", "reprint", "finalize_unprinted")
                else given_approval)
        calls = [
            lambda: sales.pay_line(dataclasses.replace(ctx, session_id=session), sale_id, request,
                                   PaymentInput("card")),
            lambda: sales.pay_line(ctx, sale, request, PaymentInput("card")),
            lambda: sales.void_line(ctx, line, reason, made),
            lambda: sales.void_line(ctx, paid.line_id, reason, made),
            lambda: sales.close_sale(ctx, sale),
            lambda: sales.finalize_sale(ctx, sale, made),
            lambda: sales.finalize_sale(ctx, sale_id, made),
        ]
        for call in calls:
            before = _counts()
            try:
                call()
            except DomainError as exc:
                assert exc.message
                assert _counts() == before, "a refused call left rows"
        verdict = journal.verify()
        assert verdict.ok, verdict
    finally:
        store.close()

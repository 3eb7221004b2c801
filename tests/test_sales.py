"""Paying, voiding, closing and finalizing a sale against a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest
from support.day import approval

from carnet_tui.domain.clients import ClientInput
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.services import catalog, clients, sales
from carnet_tui.store.models import Billet, Carnet, Counter, Payment, Sale, SaleLine, Void

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)

DAY = date(2019, 12, 20)


def _counts() -> tuple[int, ...]:
    return tuple(m.select().count() for m in (Sale, SaleLine, Payment, Carnet, Billet, Void, Counter))


def _line(cat, quantity="2", days="60", kind="V", tariff=None, client_id=None):
    return sales.LineRequest(kind, cat.model_id, tariff or cat.visitor_tariff_id, quantity, days, client_id)


def test_manual_example_pays_two_carnets(manual_catalog, ctx):
    Counter.create(name="sale", value=814)
    client = clients.create_client(ClientInput("Karim Benjelloun", "V", "0661000000"))
    sale_id = sales.open_sale(ctx)
    paid = sales.pay_line(ctx,
        sale_id, _line(manual_catalog, client_id=client.id), PaymentInput("cash", 1200000))
    assert paid.sale_number == 815
    assert paid.carnet_numbers == ["20191220-815", "20191220-815A"]
    assert paid.total_cents == 1100000
    assert paid.payment.change_cents == 100000
    rows = sales.sale_carnets(sale_id)
    assert [r.number for r in rows] == ["20191220-815", "20191220-815A"]
    assert all(r.valid_until == date(2020, 2, 17) and r.billets_count == 15 for r in rows)
    assert all(r.print_status == "unprinted" and r.client_name == "Karim Benjelloun" for r in rows)
    billets = [b.number for b in Billet.select().order_by(Billet.id)]
    assert billets[0] == "20191220-815-001" and billets[14] == "20191220-815-015"
    assert billets[15] == "20191220-815A-001" and billets[-1] == "20191220-815A-015"
    # a second line continues the suffixes of the same sale
    more = sales.pay_line(ctx, sale_id, _line(manual_catalog, quantity="1"), PaymentInput("card"))
    assert more.carnet_numbers == ["20191220-815B"]
    assert sales.get_sale(sale_id).total_cents == 1650000


def test_sale_number_comes_with_first_paid_line(manual_catalog, ctx):
    first = sales.open_sale(ctx)
    second = sales.open_sale(ctx)
    assert sales.get_sale(first).number is None
    sales.pay_line(ctx, second, _line(manual_catalog, "1"), PaymentInput("card"))
    sales.pay_line(ctx, first, _line(manual_catalog, "1"), PaymentInput("card"))
    assert sales.get_sale(second).number == 1
    assert sales.get_sale(first).number == 2


@pytest.mark.parametrize(
    "quantity, days, field",
    [("0", "60", "quantity"), ("100", "60", "quantity"), ("abc", "60", "quantity"),
     ("2", "0", "validity"), ("2", "3651", "validity")],
)
def test_bad_line_changes_nothing(manual_catalog, quantity, days, field, ctx):
    sale_id = sales.open_sale(ctx)
    before = _counts()
    with pytest.raises(DomainError) as caught:
        sales.pay_line(ctx, sale_id, _line(manual_catalog, quantity, days), PaymentInput("card"))
    assert caught.value.field == field
    assert _counts() == before


def test_tariff_not_for_type_is_refused(manual_catalog, ctx):
    sale_id = sales.open_sale(ctx)
    before = _counts()
    with pytest.raises(DomainError) as caught:
        sales.pay_line(ctx,
            sale_id, _line(manual_catalog, tariff=manual_catalog.member_tariff_id, kind="V"),
            PaymentInput("card"),
        )
    assert "pas valable" in caught.value.message
    assert _counts() == before
    assert [t.label for t in catalog.tariffs_for(manual_catalog.model_id, "V")] == ["Plein tarif"]
    assert len(catalog.tariffs_for(manual_catalog.model_id, "A")) == 2


def test_short_cash_changes_nothing(manual_catalog, ctx):
    sale_id = sales.open_sale(ctx)
    before = _counts()
    with pytest.raises(DomainError):
        sales.pay_line(ctx, sale_id, _line(manual_catalog), PaymentInput("cash", 1000000))
    assert _counts() == before


def test_closed_sale_refuses_lines_and_voids(manual_catalog, ctx):
    sale_id = sales.open_sale(ctx)
    paid = sales.pay_line(ctx, sale_id, _line(manual_catalog), PaymentInput("card"))
    to_print = sales.close_sale(ctx, sale_id)
    assert [c.number for c in to_print] == paid.carnet_numbers
    before = _counts()
    with pytest.raises(DomainError) as caught:
        sales.pay_line(ctx, sale_id, _line(manual_catalog), PaymentInput("card"))
    assert "clôturée" in caught.value.message
    with pytest.raises(DomainError):
        sales.void_line(ctx, paid.line_id, "erreur", approval(ctx, "void"))
    assert _counts() == before


def test_void_needs_reason_and_keeps_numbers(manual_catalog, ctx):
    sale_id = sales.open_sale(ctx)
    paid = sales.pay_line(ctx, sale_id, _line(manual_catalog), PaymentInput("card"))
    with pytest.raises(DomainError):
        sales.void_line(ctx, paid.line_id, "   ", approval(ctx, "void"))
    sales.void_line(ctx, paid.line_id, "Erreur de tarif", approval(ctx, "void"))
    with pytest.raises(DomainError):
        sales.void_line(ctx, paid.line_id, "encore", approval(ctx, "void"))
    rows = sales.sale_carnets(sale_id)
    assert [r.print_status for r in rows] == ["void", "void"]
    assert Void.get().reason == "Erreur de tarif"
    # the numbers stay taken: the next line does not reuse them
    again = sales.pay_line(ctx, sale_id, _line(manual_catalog, "1"), PaymentInput("card"))
    assert again.carnet_numbers == [f"{paid.carnet_numbers[0]}B"]
    assert sales.get_sale(sale_id).total_cents == 550000
    assert [c.number for c in sales.close_sale(ctx, sale_id)] == again.carnet_numbers


def test_close_empty_sale_refused_and_finalize(manual_catalog, ctx):
    sale_id = sales.open_sale(ctx)
    with pytest.raises(DomainError):
        sales.close_sale(ctx, sale_id)
    sales.finalize_sale(ctx, sale_id)  # an unpaid sale is dropped, it never had a number
    assert Sale.select().count() == 0
    sale_id = sales.open_sale(ctx)
    sales.pay_line(ctx, sale_id, _line(manual_catalog, "1"), PaymentInput("card"))
    with pytest.raises(DomainError):
        sales.finalize_sale(ctx, sale_id)  # paid lines must be closed first
    sales.close_sale(ctx, sale_id)
    with pytest.raises(DomainError) as caught:
        sales.finalize_sale(ctx, sale_id)  # its carnet was never printed: a responsable approves
    assert caught.value.key == "err.approval.required"
    sales.finalize_sale(ctx, sale_id, approval(ctx, "finalize_unprinted"))
    assert sales.get_sale(sale_id).status == "finalized"
    with pytest.raises(DomainError):
        sales.finalize_sale(ctx, sale_id, approval(ctx, "finalize_unprinted"))


def test_unique_constraint_guards_numbers(manual_catalog, ctx):
    from peewee import IntegrityError

    sale_id = sales.open_sale(ctx)
    sales.pay_line(ctx, sale_id, _line(manual_catalog, "1"), PaymentInput("card"))
    carnet = Carnet.get()
    with pytest.raises(IntegrityError):
        Carnet.create(sale=carnet.sale, line=carnet.line, index=99, number=carnet.number,
                      billets_count=15, valid_from=DAY, valid_until=DAY)


def test_client_search_accents_prefix_phone_member(connected):
    clients.create_client(ClientInput("Élodie Chérif", "V", "0612345678", "M-100"))
    clients.create_client(ClientInput("محمد العلوي", "A", "0699887766", "A-7"))
    clients.create_client(ClientInput("Elias Martin", "P"))
    assert [c.name for c in clients.search("elo")] == ["Élodie Chérif"]
    assert [c.name for c in clients.search("CHER")] == ["Élodie Chérif"]
    assert [c.name for c in clients.search("el")] == ["Elias Martin", "Élodie Chérif"]
    assert [c.name for c in clients.search("el", "P")] == ["Elias Martin"]
    assert [c.name for c in clients.search("0699")] == ["محمد العلوي"]
    assert [c.name for c in clients.search("مُحَ")] == ["محمد العلوي"]
    assert [c.name for c in clients.search("m-10")] == ["Élodie Chérif"]
    assert clients.search("%") != [] and clients.search("_") != []  # wildcards mean nothing: all clients
    assert clients.search('"el" OR *') is not None


def test_member_number_taken_is_refused(connected):
    clients.create_client(ClientInput("A", "V", member_number="X1"))
    with pytest.raises(DomainError) as caught:
        clients.create_client(ClientInput("B", "V", member_number="x1"))
    assert caught.value.field == "member"
    assert clients.count() == 1


def test_sale_with_every_line_voided_can_be_finalized(manual_catalog, ctx):
    sale_id = sales.open_sale(ctx)
    paid = sales.pay_line(ctx, sale_id, _line(manual_catalog, "1"), PaymentInput("card"))
    sales.void_line(ctx, paid.line_id, "Client parti", approval(ctx, "void"))
    with pytest.raises(DomainError):
        sales.close_sale(ctx, sale_id)  # nothing left to print
    sales.finalize_sale(ctx, sale_id)
    view = sales.get_sale(sale_id)
    assert (view.status, view.number, view.total_cents) == ("finalized", paid.sale_number, 0)
    assert [c.print_status for c in sales.sale_carnets(sale_id)] == ["void"]

"""sales.recent_sales: the list behind the sales history screen, on a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.day import approval, counter_context

from carnet_tui.domain.payment import PaymentInput
from carnet_tui.services import sales
from carnet_tui.store.models import Billet, Counter, Sale

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)

DAY = date(2019, 12, 20)


def _line(cat, quantity="2"):
    return sales.LineRequest("V", cat.model_id, cat.visitor_tariff_id, quantity, "60")


@pytest.fixture
def three_sales(manual_catalog):
    """Sales 815 (2 carnets, closed, carnet 815 printed), 816 (1 carnet, line voided), 817 (open)."""
    ctx = counter_context()
    Counter.create(name="sale", value=814)
    first = sales.open_sale(ctx)
    sales.pay_line(ctx, first, _line(manual_catalog), PaymentInput("cash", 1100000))
    sales.close_sale(ctx, first)
    carnet = sales.sale_carnets(first)[0]
    Billet.update(print_state="sent").where(Billet.carnet == carnet.carnet_id).execute()
    second = sales.open_sale(ctx)
    paid = sales.pay_line(ctx, second, _line(manual_catalog, "1"), PaymentInput("card"))
    sales.void_line(ctx, paid.line_id, "erreur de tarif", approval(ctx, "void"))
    third = sales.open_sale(ctx)
    sales.pay_line(ctx, third, _line(manual_catalog, "1"), PaymentInput("card"))
    sales.open_sale(ctx)  # no paid line: no number, not listed
    return first, second, third


def test_newest_first_with_totals_status_and_billets(three_sales):
    listed = sales.recent_sales()
    assert [s.number for s in listed] == [817, 816, 815]
    s815 = listed[-1]
    assert (s815.id, s815.cashier, s815.status, s815.sale_date) == (three_sales[0], "amina", "closed", DAY)
    assert (s815.total_cents, s815.billets_sent, s815.billets_count) == (1100000, 15, 30)
    s816 = listed[1]
    assert (s816.total_cents, s816.billets_sent, s816.billets_count) == (0, 0, 0)  # voided line
    assert listed[0].status == "open"
    assert [s.number for s in sales.recent_sales(limit=2)] == [817, 816]


def test_filter_on_sale_or_carnet_number(three_sales):
    assert [s.number for s in sales.recent_sales(number_filter="815")] == [815]
    assert [s.number for s in sales.recent_sales(number_filter="81")] == [817, 816, 815]
    assert [s.number for s in sales.recent_sales(number_filter=" 815a ")] == [815]
    assert [s.number for s in sales.recent_sales(number_filter="20191220-816")] == [816]
    assert [s.number for s in sales.recent_sales(number_filter="-817")] == [817]
    assert sales.recent_sales(number_filter="9") == []


@pytest.mark.parametrize(
    "text",
    ["%", "_", "8%", "81_", "' OR 1=1 --", "815; DROP TABLE sale", "\x00", "٨١٥", "é", "8" * 41,
     "9" * 5000, "-", "--", "0", "000", "A" * 40],
)
def test_hostile_filters_match_nothing_or_a_real_number(three_sales, text):
    before = Sale.select().count()
    found = sales.recent_sales(number_filter=text)
    assert all(isinstance(s, sales.SaleSummary) for s in found)
    assert found == [] or text in ("-", "--")  # every carnet number holds a dash
    assert Sale.select().count() == before


@pytest.mark.parametrize("limit", [0, -5, 1, 10**30, True, "12", None, 2.5])
def test_odd_limits_are_clamped(three_sales, limit):
    found = sales.recent_sales(limit=limit)  # type: ignore[arg-type]
    assert 1 <= len(found) <= 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_filter_text_is_a_success(three_sales, text):
    found = sales.recent_sales(number_filter=text)
    assert {s.number for s in found} <= {815, 816, 817}

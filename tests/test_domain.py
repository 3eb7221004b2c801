"""The sale rules, quoted from the manual (shared/manual/ventes-de-carnets.txt) and DESIGN.md."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet_tui.domain import numbering
from carnet_tui.domain.clients import ClientInput, check_client, fold, search_tokens
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import format_dh, line_total, parse_amount
from carnet_tui.domain.payment import PaymentInput, check_payment
from carnet_tui.domain.rules import check_quantity, check_validity_days, format_date, valid_until

SALE_DAY = date(2019, 12, 20)


def test_manual_carnet_numbers():
    # « Si il y avait un 3ème Carnet son N° devrait apparaître comme 20191220-815B »
    assert numbering.carnet_number(SALE_DAY, 815, 0) == "20191220-815"
    assert numbering.carnet_number(SALE_DAY, 815, 1) == "20191220-815A"
    assert numbering.carnet_number(SALE_DAY, 815, 2) == "20191220-815B"
    assert numbering.carnet_number(SALE_DAY, 815, 26) == "20191220-815Z"
    assert numbering.carnet_number(SALE_DAY, 815, 27) == "20191220-815AA"
    assert numbering.carnet_number(SALE_DAY, 815, 28) == "20191220-815AB"


def test_manual_billet_numbers():
    # « N° de Carnet | N° de Billet 20191220-815-001 …002 …014 20191220-815-015 »
    numbers = [numbering.billet_number("20191220-815", k, 15) for k in range(1, 16)]
    assert numbers[0] == "20191220-815-001"
    assert numbers[-1] == "20191220-815-015"
    assert numbering.billet_number("20191220-815A", 15, 15) == "20191220-815A-015"
    assert numbering.billet_number("20191220-815", 1000, 1200) == "20191220-815-1000"
    assert numbering.billet_number("20191220-815", 7, 1200) == "20191220-815-0007"


def test_manual_validity():
    # 20/12/2019 + 60 days → valid through 17/02/2020, inclusive
    assert valid_until(SALE_DAY, 60) == date(2020, 2, 17)
    assert format_date(valid_until(SALE_DAY, 60)) == "17/02/2020"
    assert valid_until(SALE_DAY, 1) == SALE_DAY


def test_manual_money():
    # « 2 carnets à 5.500 DH soit un montant total à 11.000 DH »
    assert format_dh(550000) == "5 500,00 DH"
    assert format_dh(line_total(550000, 2)) == "11 000,00 DH"
    assert format_dh(5) == "0,05 DH"
    assert format_dh(123456789) == "1 234 567,89 DH"


@pytest.mark.parametrize(
    "typed, cents",
    [("12000", 1200000), ("12 000", 1200000), ("5500,5", 550050), ("5.500,00", 550000), ("0", 0)],
)
def test_parse_amount(typed, cents):
    assert parse_amount(typed) == cents


@pytest.mark.parametrize("typed", ["", "abc", "-5", "1,234", "12,345,00", "1e5", "99999999999999"])
def test_parse_amount_refuses(typed):
    with pytest.raises(DomainError):
        parse_amount(typed)


@pytest.mark.parametrize("typed", [0, "0", 100, "100", "abc", "", "2.5", "-1", "٣", True])
def test_quantity_bounds(typed):
    with pytest.raises(DomainError) as caught:
        check_quantity(typed)
    assert caught.value.field == "quantity"
    assert caught.value.message  # a French sentence, not a key
    assert not caught.value.message.startswith("err.")


def test_quantity_accepts():
    assert check_quantity("2") == 2
    assert check_quantity(1) == 1
    assert check_quantity(" 99 ") == 99


@pytest.mark.parametrize("typed", [0, "0", 3651, "abc", "-3"])
def test_validity_bounds(typed):
    with pytest.raises(DomainError) as caught:
        check_validity_days(typed)
    assert caught.value.field == "validity"


def test_validity_accepts_bounds():
    assert check_validity_days("1") == 1
    assert check_validity_days(3650) == 3650


def test_cash_payment_change_and_short():
    paid = check_payment(PaymentInput("cash", tendered_cents=1200000), 1100000)
    assert paid.change_cents == 100000
    with pytest.raises(DomainError) as caught:
        check_payment(PaymentInput("cash", tendered_cents=1000000), 1100000)
    assert "insuffisant" in caught.value.message


def test_cheque_needs_number():
    with pytest.raises(DomainError):
        check_payment(PaymentInput("cheque"), 100)
    assert check_payment(PaymentInput("cheque", cheque_number="0012345"), 100).cheque_number == "0012345"
    with pytest.raises(DomainError):
        check_payment(PaymentInput("bitcoin"), 100)


def test_client_checks():
    ok = check_client(ClientInput("  Élodie   Chérif ", "v", "06 12 34 56 78", "ab-12"))
    assert (ok.name, ok.beneficiary_type, ok.phone, ok.member_number) == (
        "Élodie Chérif",
        "V",
        "0612345678",
        "AB-12",
    )
    for bad in (
        ClientInput("", "V"),
        ClientInput("X", "Q"),
        ClientInput("X", "A", phone="12"),
        ClientInput("X", "A", member_number="%%"),
    ):
        with pytest.raises(DomainError):
            check_client(bad)


def test_fold_and_tokens():
    assert fold("Élodie") == "elodie"
    assert fold("مُحَمَّد") == "محمد"
    assert search_tokens("Ché% _ri") == ["che", "ri"]


@given(st.integers(min_value=0, max_value=20000))
def test_suffix_round_trip(index):
    assert numbering.suffix_index(numbering.suffix(index)) == index


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=1, max_value=10**7),
    st.integers(min_value=1, max_value=400),
)
def test_numbering_unique_ordered_parses_back(day, sale, count):
    carnets = [numbering.carnet_number(day, sale, i) for i in range(count)]
    assert len(set(carnets)) == count
    # the suffix orders like the carnets: shorter first, then alphabetical
    assert carnets == sorted(carnets, key=lambda n: (len(n), n))
    for index, number in enumerate(carnets):
        parsed = numbering.parse_carnet_number(number)
        assert (parsed.sale_date, parsed.sale_number, parsed.index) == (day, sale, index)
    billets = [numbering.billet_number(carnets[-1], k, 15) for k in range(1, 16)]
    assert billets == sorted(billets)
    assert [numbering.parse_billet_number(b) for b in billets] == [(carnets[-1], k) for k in range(1, 16)]


@given(
    st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=10**6)
)
def test_numbers_of_two_sales_never_collide(sale_a, offset):
    sale_b = sale_a + offset + 1
    a = {numbering.carnet_number(SALE_DAY, sale_a, i) for i in range(30)}
    b = {numbering.carnet_number(SALE_DAY, sale_b, i) for i in range(30)}
    assert not a & b


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.integers(min_value=1, max_value=3650),
)
def test_validity_property(day, days):
    last = valid_until(day, days)
    assert (last - day).days + 1 == days  # inclusive count of days
    assert last >= day
    assert valid_until(day, days + 1) == last + timedelta(days=1)

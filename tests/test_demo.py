"""The demo data in data/: a new store is filled once, with the manual's carnet; bulk clients search."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.services import catalog, clients, demo, sales
from carnet_tui.store.models import CarnetModel, Client, Counter, Tariff

_ARABIC = re.compile(r"[\u0600-\u06ff]")


def test_demo_fills_an_empty_store(connected) -> None:
    assert demo.load_demo() is True
    models = catalog.active_models()
    assert len(models) >= 3
    assert Client.select().count() >= 200
    assert {c.beneficiary_type for c in Client.select()} == {"A", "V", "P"}
    names = [c.name for c in Client.select()]
    assert any(_ARABIC.search(name) for name in names)
    assert "محمد العلوي" in names and "Élodie Chérif" in names
    assert any(ch in "".join(names) for ch in "éèçï")
    members = [c.member_number for c in Client.select() if c.member_number]
    assert len(members) == len(set(members))


def test_demo_holds_the_manuals_carnet(connected) -> None:
    """« 2 carnets à 5.500 DH » « durée de validité … 60 jours », 15 billets per carnet."""
    demo.load_demo()
    manual = [m for m in catalog.active_models() if m.billets_count == 15 and m.validity_days == 60]
    assert manual
    prices = {t.price_cents for m in manual for t in catalog.tariffs_for(m.id, "V")}
    assert 550000 in prices
    # other tariffs are limited to some types: an Abonné does not see the visitor's price
    assert all(t.price_cents != 550000 for t in catalog.tariffs_for(manual[0].id, "A"))
    assert Tariff.select().where(Tariff.beneficiary_types == "AP").exists()


def test_first_sale_after_demo_is_the_manuals_815(connected, ctx) -> None:
    demo.load_demo()
    model = next(m for m in catalog.active_models() if m.billets_count == 15)
    tariff = catalog.tariffs_for(model.id, "V")[0]
    sale_id = sales.open_sale(ctx)
    paid = sales.pay_line(ctx,
        sale_id,
        sales.LineRequest("V", model.id, tariff.id, "2", "60"),
        PaymentInput(method="cash", tendered_cents=1100000),
    )
    assert paid.sale_number == 815
    assert paid.carnet_numbers == ["20191220-815", "20191220-815A"]
    assert paid.total_cents == 1100000


def test_demo_twice_does_nothing(connected) -> None:
    assert demo.load_demo() is True
    counts = (CarnetModel.select().count(), Tariff.select().count(), Client.select().count())
    assert demo.load_demo() is False
    assert (CarnetModel.select().count(), Tariff.select().count(), Client.select().count()) == counts


def test_demo_leaves_a_used_store_alone(connected) -> None:
    clients.create_client(clients.ClientInput("Karim Tazi", "A", "0612345678", "K-1"))
    assert demo.load_demo() is False
    assert Client.select().count() == 1
    assert not CarnetModel.select().exists()
    assert Counter.get_or_none(Counter.name == "sale") is None


def test_demo_missing_data_is_a_clear_error(connected, tmp_path: Path) -> None:
    with pytest.raises(DomainError) as caught:
        demo.load_demo(tmp_path / "nothing")
    assert "introuvables" in caught.value.message
    assert not CarnetModel.select().exists()


def test_demo_clients_are_searchable_like_typed_ones(connected) -> None:
    demo.load_demo()
    assert [c.name for c in clients.search("elodie cherif")] == ["Élodie Chérif"]
    assert "محمد العلوي" in [c.name for c in clients.search("محمد العل")]
    assert clients.search("ABO-0001")[0].name == "Élodie Chérif"


def test_generate_clients_adds_the_count_and_they_are_searchable(connected) -> None:
    demo.load_demo()
    before = Client.select().count()
    assert demo.generate_clients(12_345, seed=7) == 12_345
    assert Client.select().count() == before + 12_345
    generated = list(Client.select().where(Client.id > before))
    assert {c.beneficiary_type for c in generated} == {"A", "V", "P"}
    assert any(_ARABIC.search(c.name) for c in generated)
    members = [c.member_number for c in Client.select() if c.member_number]
    assert len(members) == len(set(members))
    # an accented generated client is found by what a cashier types without accents
    target = next(c for c in generated if c.name.startswith("Élodie "))
    last = target.name.split(" ", 1)[1]
    typed = "elod " + unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode()[:3].lower()
    assert typed.isascii()
    assert target.id in [c.id for c in clients.search(typed, limit=200)]
    by_member = clients.search(target.member_number)
    assert [c.id for c in by_member] == [target.id]


def test_generate_clients_twice_keeps_member_numbers_unique(connected) -> None:
    demo.generate_clients(300)
    demo.generate_clients(300)
    members = [c.member_number for c in Client.select() if c.member_number]
    assert len(members) == 600 == len(set(members))


@pytest.mark.parametrize("count", [0, -5, 1_000_001, True])
def test_generate_clients_refuses_a_bad_count(connected, count: int) -> None:
    with pytest.raises(DomainError):
        demo.generate_clients(count)
    assert Client.select().count() == 0

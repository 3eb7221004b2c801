"""The back office's services (issue 13) on a real store: models, tariffs, clients, every change
journaled with its before and after, every refusal leaving the store as it was."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from support.backoffice import DAY, cashier, dump, open_till, responsable, sell, yes

from carnet_tui.domain.clients import ClientInput
from carnet_tui.domain.context import self_approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.services import backoffice as bo
from carnet_tui.services import catalog, clients, importing, journal, sales
from carnet_tui.store.models import Billet, Client, Invoice, JournalEntry, Sale, SaleLine

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)

TEN = bo.ModelInput("Carnet 10 entrées", "10", "30")
AP = bo.TariffInput("Tarif A et P", "3 000,00", "AP")


def changes() -> list[dict]:
    rows = JournalEntry.select().where(JournalEntry.kind == "catalog_changed").order_by(JournalEntry.seq)
    return [dict(json.loads(r.data), _approved_by=r.approved_by, _actor=r.actor) for r in rows]


@pytest.fixture
def ctx(connected):
    return open_till(responsable())  # a responsable sells too: the till open at the desk


@pytest.fixture
def ten(ctx):
    model = bo.create_model(ctx, yes(ctx), TEN)
    tariff = bo.create_tariff(ctx, yes(ctx), model.id, AP)
    return model, tariff


def test_a_new_model_sells_and_a_new_price_leaves_the_paid_line(ctx, ten):
    model, tariff = ten
    assert (model.billets_count, model.validity_days, model.active, model.sold) == (10, 30, True, False)
    assert (tariff.price_cents, tariff.beneficiary_types) == (300000, "AP")
    assert [m.name for m in catalog.active_models()] == ["Carnet 10 entrées"]
    assert [t.id for t in catalog.tariffs_for(model.id, "A")] == [tariff.id]
    assert catalog.tariffs_for(model.id, "V") == []  # A and P only

    paid = sell(ctx, model.id, tariff.id, "P")
    carnet = sales.sale_carnets(paid.sale_id)[0]
    assert carnet.valid_until == DAY + timedelta(days=29) == date(2020, 1, 18)
    billets = [b.number for b in Billet.select().order_by(Billet.seq)]
    assert billets == [f"{carnet.number}-{n:03d}" for n in range(1, 11)]
    assert billets[0].endswith("-001") and billets[-1].endswith("-010")

    bo.edit_tariff(ctx, yes(ctx), tariff.id, bo.TariffInput("Tarif A et P", "3 500,00", "AP"))
    line = SaleLine.get_by_id(paid.line_id)
    assert line.unit_price_cents == 300000 and line.total_cents == 300000  # as sold
    assert sales.get_sale(paid.sale_id).total_cents == 300000
    assert sales.quote(sales.LineRequest("A", model.id, tariff.id, "1", "30")) == 350000  # from now on

    entries = changes()
    assert [(e["entity"], e["before"] is None) for e in entries] == [
        ("model", True), ("tariff", True), ("tariff", False)]
    assert entries[2]["before"]["price"] == 300000 and entries[2]["after"]["price"] == 350000
    assert all(e["_approved_by"] == "Nadia" and e["_actor"] == "Nadia" for e in entries)
    assert all(e["self_approved"] is True for e in entries)
    assert journal.verify().ok


def test_a_sold_model_keeps_its_billets_and_is_deactivated_not_deleted(ctx, ten):
    model, tariff = ten
    paid = sell(ctx, model.id, tariff.id)
    assert bo.get_model(model.id).sold
    before = dump()
    with pytest.raises(DomainError) as caught:
        bo.edit_model(ctx, yes(ctx), model.id, bo.ModelInput(TEN.name, "12", "30"))
    assert caught.value.field == "billets"
    with pytest.raises(DomainError) as caught:
        bo.delete_model(ctx, yes(ctx), model.id)
    assert caught.value.key == "err.bo.model.sold_delete"
    assert dump() == before

    # its name and default validity may change: the paid line keeps what it was sold as
    bo.edit_model(ctx, yes(ctx), model.id, bo.ModelInput("Carnet 10 bains", "10", "45"))
    line = SaleLine.get_by_id(paid.line_id)
    assert (line.model_name, line.validity_days) == ("Carnet 10 entrées", 30)

    bo.set_model_active(ctx, yes(ctx), model.id, False)
    assert catalog.active_models() == []
    with pytest.raises(DomainError):
        sales.quote(sales.LineRequest("A", model.id, tariff.id, "1", "30"))
    assert [s.number for s in sales.recent_sales()] == [paid.sale_number]  # still in the history
    assert len(sales.sale_carnets(paid.sale_id)) == 1
    assert [m.active for m in bo.list_models()] == [False]
    last = changes()[-1]
    assert last["before"]["active"] is True and last["after"]["active"] is False
    assert journal.verify().ok


def test_an_unsold_model_may_still_change_its_billets_or_go(ctx, ten):
    model, _ = ten
    assert bo.edit_model(ctx, yes(ctx), model.id, bo.ModelInput(TEN.name, "12", "30")).billets_count == 12
    bo.delete_model(ctx, yes(ctx), model.id)
    assert bo.list_models() == []
    assert changes()[-1]["after"] is None and len(changes()[-1]["tariffs"]) == 1
    assert journal.verify().ok


BAD_MODELS = [
    (bo.ModelInput("X", "0", "30"), "billets"),
    (bo.ModelInput("X", "1000", "30"), "billets"),
    (bo.ModelInput("X", "dix", "30"), "billets"),
    (bo.ModelInput("X", "10", "0"), "validity"),
    (bo.ModelInput("X", "10", "3651"), "validity"),
    (bo.ModelInput("  ", "10", "30"), "name"),
    (bo.ModelInput("x" * 81, "10", "30"), "name"),
    (bo.ModelInput("carnet 10 ENTRÉES", "10", "30"), "name"),  # the same name, case aside
]
BAD_TARIFFS = [
    (bo.TariffInput("T", "-1", "A"), "price"),
    (bo.TariffInput("T", "abc", "A"), "price"),
    (bo.TariffInput("T", "100 000 000", "A"), "price"),
    (bo.TariffInput("T", "1 000 000,01", "A"), "price"),
    (bo.TariffInput("T", "100", ""), "types"),
    (bo.TariffInput("T", "100", "AX"), "types"),
    (bo.TariffInput("", "100", "A"), "label"),
    (bo.TariffInput("tarif a ET p", "100", "A"), "label"),
    (bo.TariffInput("T", "100", "A", valid_from="31/12/2019", valid_to="01/12/2019"), "valid_to"),
    (bo.TariffInput("T", "100", "A", valid_from="32/01/2019"), "valid_from"),
]


@pytest.mark.parametrize(("data", "field"), BAD_MODELS)
def test_a_bad_model_is_refused_by_field_and_nothing_changes(ctx, ten, data, field):
    model, _ = ten
    before = dump()
    calls = [lambda: bo.create_model(ctx, yes(ctx), data)]
    if data.name != "carnet 10 ENTRÉES":  # the model itself may change the case of its own name
        calls.append(lambda: bo.edit_model(ctx, yes(ctx), model.id, data))
    for call in calls:
        with pytest.raises(DomainError) as caught:
            call()
        assert caught.value.field == field
        assert caught.value.message  # French words, not the key
    assert dump() == before


@pytest.mark.parametrize(("data", "field"), BAD_TARIFFS)
def test_a_bad_tariff_is_refused_by_field_and_nothing_changes(ctx, ten, data, field):
    model, tariff = ten
    before = dump()
    with pytest.raises(DomainError) as caught:
        bo.create_tariff(ctx, yes(ctx), model.id, data)
    assert caught.value.field == field
    if field != "label":  # editing the tariff itself keeps its own label
        with pytest.raises(DomainError) as caught:
            bo.edit_tariff(ctx, yes(ctx), tariff.id, data)
        assert caught.value.field == field
    assert dump() == before


def test_prices_typed_the_french_way(ctx, ten):
    model, _ = ten
    typed_prices = (("5500", 550000), ("5 500,00", 550000), ("5.500,00", 550000), ("1 000 000,00", 10**8))
    for typed, cents in typed_prices:
        made = bo.create_tariff(ctx, yes(ctx), model.id, bo.TariffInput(f"T {typed}", typed, "v"))
        assert made.price_cents == cents and made.beneficiary_types == "V"


def test_a_tariff_is_offered_in_its_period_only(ctx, ten):
    model, tariff = ten
    summer = bo.create_tariff(ctx, yes(ctx), model.id, bo.TariffInput(
        "Été", "2 000,00", "A", valid_from="01/06/2020", valid_to="31/08/2020"))
    offered = lambda day: [t.label for t in catalog.tariffs_for(model.id, "A", today=day)]  # noqa: E731
    assert offered(DAY) == ["Tarif A et P"]
    assert offered(date(2020, 6, 1)) == ["Tarif A et P", "Été"]
    assert offered(date(2020, 8, 31)) == ["Tarif A et P", "Été"]
    assert offered(date(2020, 9, 1)) == ["Tarif A et P"]
    assert bo.list_tariffs(model.id)[1].valid_to == date(2020, 8, 31)
    bo.set_tariff_active(ctx, yes(ctx), tariff.id, False)
    assert offered(date(2020, 7, 14)) == ["Été"]
    assert summer.active


def test_who_may_change_the_catalog(connected):
    boss = responsable()
    amina = cashier()
    before = dump()
    with pytest.raises(DomainError) as caught:
        bo.create_model(amina, yes(boss), TEN)  # not the cashier's role
    assert caught.value.key == "err.user.not_allowed"
    with pytest.raises(DomainError) as caught:
        bo.create_model(boss, self_approval(boss, "void"), TEN)  # approved for something else
    assert caught.value.key == "err.approval.required"
    with pytest.raises(DomainError):
        bo.create_model(boss, None, TEN)
    assert dump() == before


def _client(ctx, name, phone="", member="", kind="A"):
    return bo.create_client(ctx, yes(ctx), ClientInput(name, kind, phone, member))


def test_duplicates_are_found_and_merged_their_sales_following(ctx, ten):
    model, tariff = ten
    elodie = _client(ctx, "Élodie Chérif", "0657998482")
    twin = _client(ctx, "ELODIE  cherif")
    by_phone = _client(ctx, "E. Chérif", "06 57 99 84 82")
    other = _client(ctx, "Karim Alaoui", "0661000000", "ABO-1")
    first = sell(ctx, model.id, tariff.id, client_id=twin.id)
    second = sell(ctx, model.id, tariff.id, client_id=by_phone.id)
    Invoice.create(sale=Sale.get_by_id(first.sale_id), number="2019-0001", year=2019, client=twin.id)

    found = {(d.first.id, d.second.id): d.reasons for d in bo.duplicates()}
    assert found == {(elodie.id, twin.id): ("name",), (elodie.id, by_phone.id): ("phone",)}
    assert other.id not in {i for pair in found for i in pair}

    kept = bo.merge_clients(ctx, yes(ctx), elodie.id, twin.id)
    bo.merge_clients(ctx, yes(ctx), elodie.id, by_phone.id)
    assert kept.id == elodie.id
    assert bo.get_client(elodie.id).sales == 2
    assert {SaleLine.get_by_id(p.line_id).client_id for p in (first, second)} == {elodie.id}
    assert Invoice.get().client_id == elodie.id
    assert not bo.get_client(twin.id).active and not bo.get_client(by_phone.id).active
    assert bo.duplicates() == []
    # the counter no longer offers the merged ones; the back office still finds them
    assert [c.id for c in clients.search("elodie")] == [elodie.id]
    assert {c.id for c in bo.search_clients("elodie")} == {elodie.id, twin.id}
    merge = changes()[-2]
    assert merge["merged_into"] == elodie.id and merge["lines"] == [first.line_id]
    assert merge["before"]["active"] is True and merge["after"]["active"] is False
    assert journal.verify().ok


def test_a_client_with_sales_is_never_deleted(ctx, ten):
    model, tariff = ten
    ali = _client(ctx, "Ali Tazi", "0600000001")
    sell(ctx, model.id, tariff.id, client_id=ali.id)
    before = dump()
    with pytest.raises(DomainError) as caught:
        bo.delete_client(ctx, yes(ctx), ali.id)
    assert caught.value.key == "err.bo.client.has_sales"
    with pytest.raises(DomainError) as caught:
        bo.merge_clients(ctx, yes(ctx), ali.id, ali.id)
    assert dump() == before
    slip = _client(ctx, "Typo")
    bo.delete_client(ctx, yes(ctx), slip.id)
    assert Client.get_or_none(Client.id == slip.id) is None
    assert bo.search_clients("typo") == []
    assert journal.verify().ok


def test_a_client_is_edited_and_deactivated(ctx):
    ali = _client(ctx, "Ali Tazi", "0600000001", "ABO-7")
    _client(ctx, "Sara Idrissi", "", "ABO-8")
    new = ClientInput("Ali Tazi El Fassi", "P", "0600000002", "abo-9")
    edited = bo.edit_client(ctx, yes(ctx), ali.id, new)
    assert (edited.name, edited.phone, edited.member_number, edited.beneficiary_type) == (
        "Ali Tazi El Fassi", "0600000002", "ABO-9", "P")
    assert [c.id for c in clients.search("fassi")] == [ali.id]  # the search knows the new name
    before = dump()
    bad = ((ClientInput("Ali", "A", "12"), "phone"), (ClientInput("", "A"), "name"),
           (ClientInput("Ali", "A", "", "ABO-8"), "member"), (ClientInput("Ali", "Z"), "beneficiary"))
    for data, field in bad:
        with pytest.raises(DomainError) as caught:
            bo.edit_client(ctx, yes(ctx), ali.id, data)
        assert caught.value.field == field
    assert dump() == before
    bo.set_client_active(ctx, yes(ctx), ali.id, False)
    assert clients.search("fassi") == []
    assert changes()[-1]["after"]["active"] is False
    assert journal.verify().ok


def test_import_and_export_from_the_back_office(ctx, ten, tmp_path):
    _client(ctx, "Élodie Chérif", "0657998482", "ABO-1")
    catalog_file, clients_file = tmp_path / "catalogue.csv", tmp_path / "clients.csv"
    assert bo.export_catalog(ctx, catalog_file) == 1
    assert bo.export_clients(ctx, clients_file) == 1
    assert "Carnet 10 entrées;10;30;Tarif A et P;3 000,00;AP;oui" in catalog_file.read_text("utf-8")

    bad = tmp_path / "new.csv"
    bad.write_text("name,phone,member_number,beneficiary_type\nKarim,0661000000,,A\nSara,12,,V\n", "utf-8")
    before = dump()
    with pytest.raises(importing.ImportRejected) as caught:
        bo.import_files(ctx, yes(ctx), [bad])
    assert len(caught.value.errors) == 1 and "ligne 3" in caught.value.errors[0]
    with pytest.raises(importing.ImportRejected):  # the exported file names what is already there
        bo.import_files(ctx, yes(ctx), [catalog_file])
    assert dump() == before

    bad.write_text("name,phone,member_number,beneficiary_type\nKarim,0661000000,,A\n", "utf-8")
    assert bo.import_files(ctx, yes(ctx), [bad]) == bo.Imported(0, 0, 1)
    assert changes()[-1]["entity"] == "import" and changes()[-1]["files"] == ["new.csv"]
    assert journal.verify().ok

"""The back office by keys through Pilot at 80×24 (issue 13): a model and its tariff made, sold in
the sale window, repriced, deactivated; every refusal said under its field with the store unchanged;
two duplicate clients merged; every change journaled with its before, after and approver."""

from __future__ import annotations

import json

import pytest
from support.backoffice import DAY, back_office_app, dump, open_till, responsable
from support.ui import settle, type_text, wait_until

from carnet_tui.domain.clients import ClientInput
from carnet_tui.domain.text import clean_text
from carnet_tui.services import backoffice as bo
from carnet_tui.services import journal, sales
from carnet_tui.store.models import Billet, CarnetModel, Client, JournalEntry, SaleLine, Tariff
from carnet_tui.ui.screens.backoffice_clients import ClientsScreen, DuplicatesScreen
from carnet_tui.ui.screens.backoffice_forms import ModelDialog, TariffDialog
from carnet_tui.ui.screens.backoffice_models import ModelsScreen
from carnet_tui.ui.screens.dialogs import ConfirmDialog, PaymentDialog
from carnet_tui.ui.widgets import QuietInput

SIZE = (80, 24)
NAME = "Carnet 10 entrées"


@pytest.fixture
def ui_settings(tmp_path, monkeypatch):
    from support.ui import demo_settings

    monkeypatch.setenv("CARNET_CASHIER", "amina")
    yield from demo_settings(tmp_path)


@pytest.fixture
def ctx(ui_settings):
    return open_till(responsable())


def changes() -> list[dict]:
    rows = JournalEntry.select().where(JournalEntry.kind == "catalog_changed").order_by(JournalEntry.seq)
    return [dict(json.loads(r.data), _approved_by=r.approved_by) for r in rows]


def model_row(name: str = NAME) -> CarnetModel | None:
    return CarnetModel.get_or_none(CarnetModel.name == name)


async def clear_and_type(pilot, text: str) -> None:
    """Into the focused field: its text replaced by ``text``."""
    field = pilot.app.focused
    assert isinstance(field, QuietInput)
    field.value = ""
    await type_text(pilot, text)


async def fill(pilot, values: list[str]) -> None:
    """The dialog's fields in order (Tab between), each replaced by its value."""
    for index, value in enumerate(values):
        if index:
            await pilot.press("tab")
        await clear_and_type(pilot, value)


async def submit(pilot) -> None:
    await pilot.press("enter")
    await settle(pilot)
    await wait_until(pilot, lambda: not pilot.app.workers or all(not w.is_running for w in pilot.app.workers))


async def past_start_questions(pilot) -> None:
    """The sales sold before the app started (by the services) are offered at start: later."""
    from textual.screen import ModalScreen

    await settle(pilot)
    for _ in range(5):
        if not isinstance(pilot.app.screen, ModalScreen):
            return
        await pilot.press("escape")
        await settle(pilot)


async def open_models(pilot) -> ModelsScreen:
    await past_start_questions(pilot)
    await pilot.app.run_action("open_models")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ModelsScreen))
    return pilot.app.screen


async def new_model(pilot, billets: str = "10", validity: str = "30") -> None:
    await pilot.press("f3")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ModelDialog))
    await fill(pilot, [NAME, billets, validity])
    await submit(pilot)


async def sell_in_window(pilot) -> None:
    """Abonné, no client, the last model of the list (the new one), its one tariff, 1 carnet, cash."""
    await pilot.press("alt+a")
    await settle(pilot)
    await pilot.press("f2", "up", "a")  # Bénéficiaire: Abonné
    await pilot.press("down", "tab", "tab")  # past the client search and its results: the models
    await pilot.press("end")
    await settle(pilot)
    assert pilot.app.screen.current_model().name == NAME
    await pilot.press("tab", "tab")  # the tariffs, then Quantité
    await type_text(pilot, "1")
    await settle(pilot)
    await pilot.press("f4")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PaymentDialog))
    await pilot.press("f9", "enter")
    await settle(pilot)
    await wait_until(pilot, lambda: SaleLine.select().count() == 1)


async def test_a_model_made_by_keys_sells_keeps_its_price_and_leaves_when_deactivated(ui_settings, ctx):
    app = back_office_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_models(pilot)
        await new_model(pilot)
        await wait_until(pilot, lambda: model_row() is not None)
        model = model_row()
        assert (model.billets_count, model.validity_days, model.active) == (10, 30, True)
        assert screen.current_model().name == NAME  # the new model chosen in the list

        await pilot.press("tab")  # the tariffs of the chosen model
        assert app.focused is screen.query_one("#bo-tariffs")
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, TariffDialog))
        await fill(pilot, ["Tarif A et P", "3 000,00", "AP"])
        await submit(pilot)
        await wait_until(pilot, lambda: Tariff.select().where(Tariff.model == model.id).count() == 1)
        tariff = Tariff.get(Tariff.model == model.id)
        assert (tariff.price_cents, tariff.beneficiary_types, tariff.label) == (300000, "AP", "Tarif A et P")
        await pilot.press("escape")
        await settle(pilot)

        await sell_in_window(pilot)
        line = SaleLine.get()
        assert (line.model_name, line.unit_price_cents, line.valid_until) == (NAME, 300000, DAY.replace(
            year=2020, month=1, day=18))
        numbers = [b.number for b in Billet.select().order_by(Billet.seq)]
        carnet = line.carnets.get().number
        assert numbers == [f"{carnet}-{n:03d}" for n in range(1, 11)]
        assert (numbers[0][-4:], numbers[-1][-4:]) == ("-001", "-010")
        await pilot.press("escape", "p")  # the sale paid, not closed: closed later
        await settle(pilot)

        # a new price: the paid line keeps 3 000,00
        screen = await open_models(pilot)
        await pilot.press("ctrl+end", "tab", "enter")  # the last model: the new one
        await wait_until(pilot, lambda: isinstance(app.screen, TariffDialog))
        await pilot.press("tab")
        await clear_and_type(pilot, "3 500,00")
        await submit(pilot)
        await wait_until(pilot, lambda: Tariff.get_by_id(tariff.id).price_cents == 350000)
        assert SaleLine.get_by_id(line.id).unit_price_cents == 300000
        assert sales.get_sale(line.sale_id).total_cents == 300000

        # deactivated: gone from the sale window, its sale still in the history
        await pilot.press("shift+tab", "f8")
        await settle(pilot)
        await wait_until(pilot, lambda: not model_row().active)
        await pilot.press("escape")
        await settle(pilot)
        assert NAME not in [m.name for m in app.get_screen("sale").models]
        assert [s.id for s in sales.recent_sales()] == [line.sale_id]

    entries = changes()
    assert [(e["entity"], e["before"] is None) for e in entries] == [
        ("model", True), ("tariff", True), ("tariff", False), ("model", False)]
    assert entries[2]["before"]["price"] == 300000 and entries[2]["after"]["price"] == 350000
    assert entries[3]["before"]["active"] is True and entries[3]["after"]["active"] is False
    assert {e["_approved_by"] for e in entries} == {"Nadia"}
    assert journal.verify().ok


MODEL_REFUSALS = [
    (["X", "0", "30"], "bo-model-billets", "err.bo.billets"),
    (["X", "1000", "30"], "bo-model-billets", "err.bo.billets"),
    (["X", "10", "0"], "bo-model-validity", "err.validity.range"),
    (["X", "10", "3651"], "bo-model-validity", "err.validity.range"),
    (["Carnet 15 ENTRÉES", "10", "30"], "bo-model-name", "err.bo.model.name_taken"),  # a demo model's
]


async def test_each_bad_value_is_refused_where_typed_and_nothing_changes(ui_settings, ctx):
    app = back_office_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_models(pilot)
        before = dump()
        for values, widget, key in MODEL_REFUSALS:
            await pilot.press("f3")
            await wait_until(pilot, lambda: isinstance(app.screen, ModelDialog))
            await fill(pilot, values)
            await submit(pilot)
            dialog = app.screen
            assert isinstance(dialog, ModelDialog)
            shown = str(dialog.query_one(f"#{widget}-error").render())
            assert shown == clean_text(_message(key)), (values, shown)
            assert app.focused is dialog.query_one(f"#{widget}")
            assert dump() == before
            await pilot.press("escape")
            await settle(pilot)

        # a tariff's price: -1, "abc", 100 000 000 DH
        await pilot.press("tab")
        for price, key in (("-1", "err.amount.negative"), ("abc", "err.amount.invalid"),
                           ("100 000 000", "err.bo.price.too_large")):
            await pilot.press("f3")
            await wait_until(pilot, lambda: isinstance(app.screen, TariffDialog))
            await fill(pilot, ["T", price])
            await submit(pilot)
            shown = str(app.screen.query_one("#bo-tariff-price-error").render())
            assert shown == _message(key), (price, shown)
            assert app.focused is app.screen.query_one("#bo-tariff-price")
            assert dump() == before
            await pilot.press("escape")
            await settle(pilot)
        assert app.screen is screen


def _message(key: str) -> str:
    from carnet_tui.texts import t

    params = {"min": 1, "max": 999} if key == "err.bo.billets" else {"min": 1, "max": 3650}
    if key == "err.bo.model.name_taken":
        params = {"name": "Carnet 15 ENTRÉES"}
    if key == "err.bo.price.too_large":
        params = {"max": "1 000 000,00"}
    if key == "err.amount.invalid":
        params = {"text": "abc"}
    return t(key, **params)


async def test_a_sold_model_keeps_its_billets_and_a_client_with_sales_stays(ui_settings, ctx):
    from support.backoffice import sell, yes

    made = bo.create_model(ctx, yes(ctx), bo.ModelInput(NAME, "10", "30"))
    tariff = bo.create_tariff(ctx, yes(ctx), made.id, bo.TariffInput("T", "3 000,00", "AP"))
    ali = bo.create_client(ctx, yes(ctx), ClientInput("Ali Sold", "A", "0600000009"))
    sell(ctx, made.id, tariff.id, client_id=ali.id)
    app = back_office_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_models(pilot)
        before = dump()
        await pilot.press("ctrl+end", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelDialog))
        await pilot.press("tab")
        await clear_and_type(pilot, "12")
        await submit(pilot)
        shown = str(app.screen.query_one("#bo-model-billets-error").render())
        assert shown.startswith("Ce modèle a été vendu")
        assert dump() == before
        await pilot.press("escape", "delete")  # a sold model: not even asked
        await settle(pilot)
        assert app.screen is screen and dump() == before

        await app.run_action("open_clients")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientsScreen))
        await type_text(pilot, "ali sold")
        await settle(pilot)
        await wait_until(pilot, lambda: [c.id for c in app.screen.clients] == [ali.id])
        await pilot.press("down", "delete")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert "ventes" in str(app.screen.query_one("#bo-clients").border_subtitle)
        assert dump() == before


async def test_two_duplicates_merged_their_sales_under_one(ui_settings, ctx):
    from support.backoffice import sell, yes

    made = bo.create_model(ctx, yes(ctx), bo.ModelInput(NAME, "10", "30"))
    tariff = bo.create_tariff(ctx, yes(ctx), made.id, bo.TariffInput("T", "3 000,00", "AP"))
    first = bo.create_client(ctx, yes(ctx), ClientInput("Zineb Alaoui", "A", "0611223344"))
    second = bo.create_client(ctx, yes(ctx), ClientInput("ZINEB ALAOUI", "A"))
    one, two = (sell(ctx, made.id, tariff.id, client_id=c.id) for c in (first, second))
    app = back_office_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await past_start_questions(pilot)
        await app.run_action("open_clients")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientsScreen))
        await pilot.press("f9")
        await wait_until(pilot, lambda: isinstance(app.screen, DuplicatesScreen))
        pairs = [(p.first.id, p.second.id) for p in app.screen.pairs]
        assert (first.id, second.id) in pairs
        ids = lambda pair: (pair.first.id, pair.second.id)  # noqa: E731
        while ids(app.screen.current_pair()) != (first.id, second.id):
            await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")  # Non: nothing changes
        await settle(pilot)
        assert SaleLine.get_by_id(two.line_id).client_id == second.id
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("o")
        await settle(pilot)
        await wait_until(pilot, lambda: not Client.get_by_id(second.id).active)
        assert {SaleLine.get_by_id(p.line_id).client_id for p in (one, two)} == {first.id}
        assert (first.id, second.id) not in [(p.first.id, p.second.id) for p in app.screen.pairs]
    merge = changes()[-1]
    assert merge["merged_into"] == first.id and merge["lines"] == [two.line_id]
    assert merge["_approved_by"] == "Nadia"
    assert journal.verify().ok


async def test_import_and_export_from_the_screen(ui_settings, ctx, tmp_path):
    from carnet_tui.ui.screens.backoffice_forms import FileDialog
    from carnet_tui.ui.screens.dialogs import InfoDialog

    bad = tmp_path / "nouveaux.csv"
    header = "name,phone,member_number,beneficiary_type\n"
    bad.write_text(header + "Karim Neuf,0661000001,,A\nSara,12,,V\n", "utf-8")
    app = back_office_app(ui_settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await past_start_questions(pilot)
        await app.run_action("open_clients")
        await wait_until(pilot, lambda: isinstance(app.screen, ClientsScreen))
        before = dump()
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, FileDialog))
        await type_text(pilot, str(bad))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, InfoDialog))
        report = str(app.screen.query_one("#info-body").render())
        assert "nouveaux.csv, ligne 3" in report and "Karim" not in report
        assert dump() == before  # all or nothing: the good row 2 is not in either
        await pilot.press("escape")
        await settle(pilot)

        bad.write_text("name,phone,member_number,beneficiary_type\nKarim Neuf,0661000001,,A\n", "utf-8")
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, FileDialog))
        await type_text(pilot, str(bad))
        await pilot.press("enter")
        await wait_until(pilot, lambda: Client.get_or_none(Client.name == "Karim Neuf") is not None)
        await settle(pilot)
        assert isinstance(app.screen, ClientsScreen)

        out = tmp_path / "export.csv"
        await pilot.press("f7")
        await wait_until(pilot, lambda: isinstance(app.screen, FileDialog))
        await clear_and_type(pilot, str(out))
        await pilot.press("enter")
        await wait_until(pilot, lambda: out.exists() and isinstance(app.screen, ClientsScreen))
        assert "Karim Neuf;0661000001;;A;" in out.read_text("utf-8")
    assert changes()[-1]["entity"] == "import" and changes()[-1]["_approved_by"] == "Nadia"
    assert journal.verify().ok

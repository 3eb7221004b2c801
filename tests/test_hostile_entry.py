"""Text is data where it enters: each hostile text, through each way in, is stored clean (or refused),
and what the services hand out of an old store (rows written raw) is clean too."""

from __future__ import annotations

from datetime import date

import pytest
from support.day import approval, counter_context

from carnet_tui.domain.clients import ClientInput
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.domain.text import clean_text
from carnet_tui.services import catalog, clients, importing, printing, sales
from carnet_tui.settings import PrinterSettings, Settings, VenueSettings
from carnet_tui.store.models import CarnetModel, Client, Counter, ReprintLog, Sale, Tariff, Void
from tests.support import HOSTILE_TEXTS

DAY = date(2019, 12, 20)
IDS = [f"h{i}" for i in range(len(HOSTILE_TEXTS))]


def is_clean(text: str) -> bool:
    return text == clean_text(text)


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: every character kept, controls as \\u escapes."""
    return "".join(ch if ch.isprintable() and ch not in '"\\' else f"\\U{ord(ch):08X}" for ch in text)


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=IDS)
def test_import_stores_names_and_labels_clean(connected, tmp_path, text) -> None:
    # TOML keeps every character as given (a CSV cell would too, but quoting 10 000 of them is noise)
    escaped = toml_string(text)
    path = tmp_path / "catalogue.toml"
    path.write_text(
        f'[[model]]\nname = "{escaped}"\nbillets_count = 2\nvalidity_days = 30\n'
        f'[[model.tariff]]\nlabel = "{escaped}"\nprice = "100"\n'
        f'[[client]]\nname = "{escaped}"\nbeneficiary_type = "V"\n',
        encoding="utf-8",
    )
    try:
        importing.import_files([path])
    except DomainError as refused:  # too long once cleaned: refused, nothing written
        assert len(clean_text(text)) > importing.MODEL_NAME_MAX, refused.message
        assert not [ch for ch in refused.message if ch < " " and ch != "\n"]
        assert not CarnetModel.select().exists() and not Client.select().exists()
        return
    assert CarnetModel.get().name == clean_text(text)
    assert Tariff.get().label == clean_text(text)
    assert Client.get().name == clean_text(text)


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=IDS)
def test_new_client_search_cashier_and_reasons_enter_clean(
    connected, manual_catalog, monkeypatch, tmp_path, text, ctx
) -> None:
    try:
        client = clients.create_client(ClientInput(text, "V", "0661000000"))
        assert client.name == clean_text(text) == Client.get_by_id(client.id).name
    except DomainError as refused:
        assert refused.key == "err.client.name_too_long"
        client = clients.create_client(ClientInput("Karim", "V", "0661000000"))
    clients.search(text[: clients.SEARCH_MAX_CHARS], "V")  # any text: an answer, never an error

    try:  # the cashier's name, as added with `user add`, is that text too
        ctx = counter_context(name=text, desk="Caisse 2")
        assert ctx.user == clean_text(text)
    except DomainError as refused:
        assert refused.key in ("err.user.name_required", "err.text.too_long")
    Counter.create(name="sale", value=814)
    sale_id = sales.open_sale(ctx)
    assert is_clean(Sale.get_by_id(sale_id).cashier)
    catalog_ids = (manual_catalog.model_id, manual_catalog.visitor_tariff_id)
    request = sales.LineRequest("V", *catalog_ids, 1, 60, client.id)
    line = sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 550000))
    sales.void_line(ctx, line.line_id, text[:300], approval(ctx, "void"))
    void = Void.get()
    assert void.reason == clean_text(text[:300]) and is_clean(void.voided_by)

    sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 550000))
    sales.close_sale(ctx, sale_id)
    settings = Settings(db=None, printer=PrinterSettings(url="preview"), data_dir=tmp_path / "data")
    printing.print_receipt(ctx, sale_id, settings)
    printing.reprint_receipt(ctx, sale_id, settings, text[:300], approval(ctx, "reprint"))
    log = ReprintLog.select().where(ReprintLog.reason != "").get()
    assert log.reason == clean_text(text[:300]) and is_clean(log.done_by)


def test_an_old_store_is_read_clean(connected, tmp_path, ctx) -> None:
    """Rows written raw (before the rule, or by another tool): every view the UI gets is clean."""
    Counter.create(name="sale", value=814)
    for index, text in enumerate(HOSTILE_TEXTS):
        client = Client.create(name=text, phone=f"06610000{index:02d}", beneficiary_type="V")
        clients.index_client(client.id, text, client.phone, "")
        model = CarnetModel.create(name=text, billets_count=2, validity_days=30, position=index)
        tariff = Tariff.create(model=model, label=text, price_cents=1000)
        sale_id = sales.open_sale(ctx)
        request = sales.LineRequest("V", model.id, tariff.id, 1, 30, client.id)
        sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 1000))
        Sale.update(cashier=text, status="closed").where(Sale.id == sale_id).execute()
        ReprintLog.create(sale=sale_id, what="receipt", detail=text, reason=text, done_by=text)

    texts: list[str] = []
    for model in catalog.active_models():
        texts.append(model.name)
        texts += [tariff.label for tariff in catalog.tariffs_for(model.id, "V")]
    for client in clients.search("0661", "V") + clients.search("", "V"):
        texts += [client.name, client.phone, client.member_number]
    for summary in sales.recent_sales():
        texts.append(summary.cashier)
        texts.append(sales.get_sale(summary.id).cashier)
        for carnet in sales.sale_carnets(summary.id):
            texts += [carnet.model_name, carnet.client_name, carnet.tariff_label]
        texts += [entry.summary for entry in printing.sale_history(summary.id)]
    assert len(texts) > 6 * len(HOSTILE_TEXTS)
    assert all(is_clean(text) for text in texts), [t[:30] for t in texts if not is_clean(t)]
    # and the paper's preview of a raw store, through the venue's raw settings, holds no control
    settings = Settings(db=None, venue=VenueSettings(name=HOSTILE_TEXTS[4], address=HOSTILE_TEXTS[6]),
                        data_dir=tmp_path / "data")
    for summary in sales.recent_sales():
        page = printing.receipt_preview(summary.id, settings)
        assert not [ch for ch in page if ch < " " and ch != "\n"]


def test_a_refusal_echoes_what_was_typed_clean() -> None:
    """A refusal names the value it refuses: shown on the screen and printed by the CLI, clean."""
    with pytest.raises(DomainError) as refused:
        from carnet_tui.domain.money import parse_amount

        parse_amount("12\x1b]0;PWNED\x07")
    assert "\x1b" not in refused.value.message and "\x07" not in str(refused.value)
    assert "]0;PWNED" in refused.value.message

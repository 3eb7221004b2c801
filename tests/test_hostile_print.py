"""Text is data on paper: a hostile text in any field never becomes a printer command.

Each hostile text goes, as an old store would hold it (written raw, never cleaned), into the client's
name, the model's name, the tariff's label and the sale's cashier; into the venue's name and address
(a Settings object, as a settings file gives it); into a user's name; and into the void and reprint
reasons. Then the whole sale is printed through the services to the app's own spool (a python-escpos
printer writing a file): receipt, billets, invoice, and their reprints. What the printer is told to
do must be exactly what it is told for a plain name: same commands, same parameters, same order.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support.day import approval, counter_context
from test_print_support import parse

from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.domain.text import clean_text
from carnet_tui.printing import layouts
from carnet_tui.printing.devices import spool_path
from carnet_tui.services import printing, sales
from carnet_tui.settings import PrinterSettings, Settings, VenueSettings
from carnet_tui.store import db as store
from carnet_tui.store.models import CarnetModel, Client, Counter, Sale, Tariff, database
from tests.support import HOSTILE_TEXTS
from tests.support.text import commands

DAY = date(2019, 12, 20)
PLAIN = "Nom simple"
# what the ids look like once a venue has filled them (placeholders may be refused for an invoice)
LEGAL = dict(ice="001525487000088", if_number="40123456", rc="356789", patente="34512345")


def _reason(text: str) -> str:
    """The hostile text as a reason, within the 300 characters a reason may hold."""
    return text[:300]


def print_everything(folder: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, list[str]]:
    """One sale whose every text field holds ``text``, printed whole; (spool bytes, previews)."""
    folder.mkdir()
    store.connect(str(folder / "carnet.db"))
    try:
        try:  # the cashier, as added with `user add`, named with the text (cleaned) when it can be
            ctx = counter_context(name=text)
        except DomainError:
            ctx = counter_context()
        Counter.create(name="sale", value=814)
        # an old store: rows written raw, as no check of today would let them in
        client = Client.create(name=text, phone="0661000000", beneficiary_type="V")
        model = CarnetModel.create(name=text, billets_count=2, validity_days=60)
        tariff = Tariff.create(model=model, label=text, price_cents=550000)
        sale_id = sales.open_sale(ctx)
        assert Sale.get_by_id(sale_id).cashier == ctx.user
        Sale.update(cashier=text).where(Sale.id == sale_id).execute()  # and raw, as in an old store
        request = sales.LineRequest("V", model.id, tariff.id, 1, 60, client.id)
        kept = sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 600000))
        voided = sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 550000))
        sales.void_line(ctx, voided.line_id, _reason(text), approval(ctx, "void"))
        sales.close_sale(ctx, sale_id)
        settings = Settings(
            db=None,
            venue=VenueSettings(name=text, address=text, **LEGAL),
            printer=PrinterSettings(url="preview"),
            data_dir=folder / "data",
        )
        carnet = sales.sale_carnets(sale_id)[0]
        assert carnet.line_id == kept.line_id
        printing.print_receipt(ctx, sale_id, settings)
        printing.print_carnet(ctx, carnet.carnet_id, settings)
        printing.print_invoice(ctx, sale_id, settings)
        printing.reprint_receipt(ctx, sale_id, settings, _reason(text), approval(ctx, "reprint"))
        again = approval(ctx, "reprint")
        printing.reprint_billets(ctx, carnet.carnet_id, settings, _reason(text), again, 1, 2)
        printing.print_invoice(ctx, sale_id, settings, reason=_reason(text), approval=again)
        previews = printing.preview_billets(carnet.carnet_id, settings)
        previews.append(printing.receipt_preview(sale_id, settings))
        history = [entry.summary for entry in printing.sale_history(sale_id)]
        return spool_path(settings.data_dir).read_bytes(), previews + history
    finally:
        database.obj.close()


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[object, ...]]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        stream, _ = print_everything(tmp_path_factory.mktemp("plain") / "sale", PLAIN, monkeypatch)
    return commands(stream)


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=[f"h{i}" for i in range(len(HOSTILE_TEXTS))])
def test_every_document_holds_the_same_commands_as_with_a_plain_name(
    text: str, plain: list[tuple[object, ...]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream, shown = print_everything(tmp_path / "sale", text, monkeypatch)
    told = commands(stream)
    assert told == plain
    # what that sequence is: 2 receipts, 2 + 2 billets, 2 invoices; one reset and one cut each,
    # nothing for the cash drawer, no control byte inside a printed text
    docs = parse(stream)
    assert len(docs) == 8
    assert told.count(("ESC @",)) == 8 and sum(1 for c in told if c[0] == "GS V") == 8
    assert not [c for c in told if c[0] in ("ESC p", "ESC ?", "GS ?", "control")]
    # the text itself is printed as written (what the code page has; "?" for the rest)
    visible = clean_text(text)[:20]
    if visible.isascii():
        assert visible in docs[0].text  # the receipt: venue, cashier, model, client
        assert all(visible in doc.text for doc in docs)  # every document names the venue
    # the on-screen preview and the history hold no control either
    for page in shown:
        assert not [ch for ch in page if ch < " " and ch != "\n"], page[:80]


def test_the_layouts_guard_holds_whatever_the_caller_passes() -> None:
    """The last guard, without the services: a billet and a receipt built straight from raw texts."""
    page = layouts.Page()

    def billet(text: str) -> bytes:
        return layouts.billet_bytes(layouts.BilletData(text, text, "20191220-815", "20191220-815-001", 1, 2,
                                                       text, text, DAY), page)

    for text in HOSTILE_TEXTS:
        stream = billet(text)
        assert commands(stream) == commands(billet(PLAIN)), repr(text[:30])
        assert b"\x1bp" not in stream.replace(b"\x1b@", b"")  # not even as raw bytes
        data = layouts.BilletData(text, text, "n", "n-001", 1, 2, text, text, DAY)
        preview = layouts.billet_text(data, page)
        assert not [ch for ch in preview if ch < " " and ch != "\n"]


def test_refused_texts_are_refused_not_printed(tmp_path: Path, ctx) -> None:
    """A reason that is nothing once cleaned is no reason: refused, as an empty one."""
    with pytest.raises(DomainError) as refused:
        printing.reprint_receipt(ctx, 1, Settings(db=None, data_dir=tmp_path), "\x1b\x07\u202e",
                                 approval(ctx, "reprint"))
    assert refused.value.key == "err.print.reason_required"
    with pytest.raises(DomainError) as refused:
        sales.void_line(ctx, 1, "\x00\x1d", approval(ctx, "void"))
    assert refused.value.key == "err.void.reason_required"

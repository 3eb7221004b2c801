"""Text is data on screen: a hostile text in any field is shown as written, on its one row.

The store holds every hostile text (tests/support) at once, written raw as an old store would hold
it: as a client's name, a model's name, a tariff's label, and a past sale's cashier, void reason
and reprint reason. ``test_lists_tables_and_histories_…`` walks them all by keys at 80×24: the
client results and the chosen client's line, the carnets' list and the tariffs, the history's
sales and carnets tables, each sale's history dialog.

``test_a_sale_…`` then takes the texts, as a terminal delivers them (typed fields get a paste),
through every field that holds one value: the venue's name and address (Settings), the cashier
(a user's name), a client created with F3, the search, the void reason, the reprint reasons, the
history's filter; and through the whole flow: payment dialog, sold table, F6 with the receipt and
the billets, F7 with the preview, the reprints, the invoice, the sale's history, F8, F5. Each run
puts a group of texts, side by side, in each of those fields: 3 runs instead of 13.

After each step: no crash, the screen is still 24 rows of 80 cells with no control character,
every list option and table row one row high, the texts read as written (``[/]``,
``[@click=app.quit]x``: a click on that name quits nothing). The printer's stream is read back:
nothing but the layouts' own commands.
"""

from __future__ import annotations

import dataclasses

import pytest
from support.day import counter_context
from support.ui import demo_settings, make_app, settle, type_text, wait_until
from test_print_support import parse
from textual import events
from textual.widgets import DataTable, OptionList, Static

from carnet_tui.domain.payment import PaymentInput
from carnet_tui.domain.text import cell_width, clean_text, fit_cells
from carnet_tui.printing.devices import spool_path
from carnet_tui.services import clients, sales
from carnet_tui.settings import VenueSettings
from carnet_tui.store.models import CarnetModel, Client, Counter, ReprintLog, Sale, SaleLine, Tariff, Void
from carnet_tui.ui.screens.dialogs import (
    InfoDialog,
    MenuDialog,
    NewClientDialog,
    PaymentDialog,
    PrintCarnetDialog,
    ReasonDialog,
)
from carnet_tui.ui.screens.history import HistoryScreen
from carnet_tui.ui.screens.home import HomeScreen
from carnet_tui.ui.screens.sale import SaleScreen
from tests.support import HOSTILE_TEXTS
from tests.support.text import commands, screen_lines, shown

SIZE = (80, 24)
LEGAL = dict(ice="001525487000088", if_number="40123456", rc="356789", patente="34512345")
CLICK = "[@click=app.quit]x"
# the texts side by side in each one-value field; the 10 000 characters last (they hide what follows)
GROUPS = ((0, 1, 2, 3, 10), (4, 5, 6, 7, 8), (9, 11, 12))
NEXT_SALE = 815 + len(HOSTILE_TEXTS)


def phone(index: int) -> str:
    return f"06610000{index:02d}"


def rendered(app, selector: str) -> str:
    """What a widget shows, in full (also what is scrolled out of sight)."""
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture
def hostile_store(tmp_path):
    """The demo store plus, for each hostile text, written raw as an old store would hold it: a
    client, a model (2 billets) and its tariff, and a finalized sale by that cashier, with a voided
    line and a reprint whose reasons and author are the text."""
    for settings in demo_settings(tmp_path):
        ctx = counter_context()
        Counter.insert(name="sale", value=814).on_conflict_replace().execute()
        for index, text in enumerate(HOSTILE_TEXTS):
            client = Client.create(name=text, phone=phone(index), beneficiary_type="V")
            clients.index_client(client.id, text, client.phone, "")
            model = CarnetModel.create(name=text, billets_count=2, validity_days=30, position=-100 + index)
            tariff = Tariff.create(model=model, label=text, price_cents=100000 + index)
            sale_id = sales.open_sale(ctx)
            request = sales.LineRequest("V", model.id, tariff.id, 1, 30, client.id)
            sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 200000))
            voided = sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 200000))
            SaleLine.update(voided=True).where(SaleLine.id == voided.line_id).execute()
            Void.create(line=voided.line_id, reason=text, voided_by=text)
            Sale.update(cashier=text, status="finalized").where(Sale.id == sale_id).execute()
            ReprintLog.create(sale=sale_id, what="receipt", detail="duplicata", reason=text, done_by=text)
        yield settings


def check_screen(app, *texts: str) -> str:
    """The screen fits 80×24, no row of a list or table wrapped, no control reached the terminal;
    each of ``texts`` is on it as written. Returns the screen's text."""
    lines = screen_lines(app)
    assert len(lines) == SIZE[1] and all(cell_width(line) == SIZE[0] for line in lines), lines
    screen = "\n".join(lines)
    assert not [ch for ch in screen if ch < " " and ch != "\n"], screen
    for screen_ in app.screen_stack:
        for options in screen_.query(OptionList):
            assert set(options._heights.values()) <= {1}, (options.id, options._heights)
        for table in screen_.query(DataTable):
            assert {row.height for row in table.rows.values()} <= {1}, table.id
    for text in texts:
        if text not in screen:
            pytest.fail(f"{text!r} is not on the screen:\n{screen}")
    return screen


async def paste(pilot, text: str) -> None:
    """What a terminal sends for a paste (bracketed paste): to the focused field."""
    pilot.app.post_message(events.Paste(text))
    await settle(pilot)


async def answer_reason(pilot, text: str) -> None:
    """Paste ``text`` as the reason and validate; a refused one (too long) is left with Escape."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, ReasonDialog) and app.screen.focused is not None)
    await paste(pilot, text)
    check_screen(app)
    await pilot.press("enter")
    await settle(pilot)
    if isinstance(app.screen, ReasonDialog):
        check_screen(app)
        await pilot.press("escape")
    await settle(pilot)


async def menu(pilot, choice: str) -> None:
    """F7 on the focused table, then the action ``choice`` of the menu."""
    app = pilot.app
    await pilot.press("f7")
    await wait_until(pilot, lambda: isinstance(app.screen, MenuDialog))
    keys = [option.id for option in app.screen.query_one("#menu", OptionList).options]
    check_screen(app)
    for _ in range(keys.index(choice)):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def pick_line(pilot, index: int, downs: int) -> None:
    """Client ``index`` found by its phone, model ``index`` (``downs`` from the top) and its tariff,
    quantity 1."""
    app = pilot.app
    await pilot.press("f2", "ctrl+e", "ctrl+u")
    await paste(pilot, phone(index))
    await pilot.press("tab", "tab", "home")  # the results, then the carnets' list: the first model
    for _ in range(downs):
        await pilot.press("down")
    await pilot.press("tab", "tab", "1")  # the tariffs (one), the quantity
    await settle(pilot)
    assert app.screen.current_client().phone == phone(index)
    assert app.screen.current_model().name == clean_text(HOSTILE_TEXTS[index])


async def test_lists_tables_and_histories_show_every_text_as_written(hostile_store) -> None:
    app = make_app(hostile_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("alt+a")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await paste(pilot, "066100")  # the phones' common start: every hostile client
        await pilot.press("tab")
        names = [client.name for client in app.screen.clients]
        assert sorted(names) == sorted(clean_text(text) for text in HOSTILE_TEXTS)
        for name in names:
            assert app.screen.current_client().name == name
            room = app.screen.query_one("#client-chosen").content_region.width - 2  # after "→ "
            assert rendered(app, "#client-chosen") == f"→ {fit_cells(name, room)}"
            check_screen(app, shown(name, 16))  # its row of the results (17 cells, the cut dot)
            if name == CLICK:  # a click on the name: a highlight, never an action
                lines = screen_lines(app)
                row = next(y for y, line in enumerate(lines) if CLICK in line)
                await pilot.click(offset=(lines[row].index(CLICK) + 3, row))
                await settle(pilot)
                assert app.is_running and isinstance(app.screen, SaleScreen)
                assert app.screen.current_client().name == CLICK
            await pilot.press("down")

        await pilot.press("tab", "home")  # the carnets' list: the hostile models come first
        for text in HOSTILE_TEXTS:
            assert app.screen.current_model().name == clean_text(text)
            check_screen(app, shown(text, 22), shown(text, 12))  # the model; its tariff's label
            await pilot.press("down")

        await pilot.press("escape", "f5")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.focused is not None)
        await pilot.press("enter")  # from the filter to the sales, newest first
        assert app.focused.id == "history-sales"
        for text in reversed(HOSTILE_TEXTS):
            sale = app.screen.current_sale()
            assert sale.cashier == clean_text(text)
            check_screen(app, shown(text, 15), shown(text, 8))  # the cashier; the carnets' columns
            await pilot.press("f7")
            await wait_until(pilot, lambda: isinstance(app.screen, MenuDialog))
            await pilot.press("end", "enter")  # the sale's history
            await wait_until(pilot, lambda: isinstance(app.screen, InfoDialog))
            body = rendered(app, "#info-body")
            assert clean_text(text)[:300] in body  # the reprint's reason and who, as written
            check_screen(app, shown(text, 20))
            await pilot.press("escape", "down")
        assert app.is_running


@pytest.mark.parametrize("group", GROUPS, ids=["markup", "controls", "unicode"])
async def test_a_sale_with_the_texts_in_every_field_shows_and_prints_them_as_data(
    hostile_store, monkeypatch, group
) -> None:
    text = " ".join(HOSTILE_TEXTS[index] for index in group)
    clean = clean_text(text)
    reason = text[:300]  # what a reason field takes (a longer paste is refused whole, with a bell)
    venue = VenueSettings(name=text, address=text, **LEGAL)
    first = group[0]  # the line sold: its client, its model (moved to the top of the list) and tariff
    CarnetModel.update(position=-1000).where(CarnetModel.name == HOSTILE_TEXTS[first]).execute()
    # the cashier signed in: a user named with the texts (a name holds 40 characters)
    app = make_app(dataclasses.replace(hostile_store, venue=venue), name=clean[:40].strip())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        check_screen(app, shown(text, 20))  # the venue, in the home screen's title
        title = app.screen.query_one("#home-title")
        assert clean[:60] in str(title.render()) and title.region.height == 1  # one row, cut

        await pilot.press("alt+a")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        # F3: a new client named with the texts (cleaned where it enters; too long is refused)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, NewClientDialog) and app.screen.focused)
        await paste(pilot, text)
        await pilot.press("tab")
        await paste(pilot, "0662000000")
        await pilot.press("enter")
        await settle(pilot)
        if isinstance(app.screen, NewClientDialog):
            check_screen(app)
            await pilot.press("escape")
        else:
            assert Client.get(Client.phone == "0662000000").name == clean
            check_screen(app, shown(text, 20))  # "Client créé : …" in the table's frame
        assert isinstance(app.screen, SaleScreen)

        # the search takes the texts as pasted; then the line: client, model, tariff of the group
        await pilot.press("f2", "ctrl+e", "ctrl+u")
        await paste(pilot, text)
        check_screen(app)
        await pick_line(pilot, first, 0)
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, PaymentDialog))
        summary = rendered(app, "#pay-summary")
        assert fit_cells(clean_text(HOSTILE_TEXTS[first]), 40) in summary  # model and client, as written
        check_screen(app, shown(HOSTILE_TEXTS[first], 12))
        await type_text(pilot, "2000")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        check_screen(app, shown(HOSTILE_TEXTS[first], 8))  # the sold table: model, client, tariff
        await pilot.press("delete")  # void it, with the texts as the reason
        await answer_reason(pilot, reason)
        assert Void.select().order_by(Void.id.desc()).get().reason == clean_text(reason)
        await pick_line(pilot, first, 0)
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, PaymentDialog))
        await type_text(pilot, "2000")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))

        # F6: the receipt, then the carnet not voided
        await pilot.press("f6")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        check_screen(app)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
        await settle(pilot)
        table = app.screen.query_one("#sold-table", DataTable)
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("down")  # the carnet printed (the first one is void)
        assert table.cursor_row == 1

        # F7: the preview, the reprints with the texts as reason, the invoice, the sale's history
        await menu(pilot, "preview")
        assert isinstance(app.screen, InfoDialog)
        preview = rendered(app, "#info-body")
        assert f"[QR 20191220-{NEXT_SALE}A-001." in preview  # our own brackets: as written too
        check_screen(app, shown(text, 20))
        await pilot.press("escape")
        await menu(pilot, "receipt")
        await answer_reason(pilot, reason)
        await menu(pilot, "billets_all")
        await answer_reason(pilot, reason)
        await menu(pilot, "invoice")
        await pilot.press("enter")  # the original: no reason asked
        await settle(pilot)
        await menu(pilot, "invoice")
        await answer_reason(pilot, reason)
        check_screen(app)
        await menu(pilot, "history")
        assert isinstance(app.screen, InfoDialog)
        assert clean_text(reason) in rendered(app, "#info-body")  # the reasons, as written
        check_screen(app, shown(text, 20))
        await pilot.press("escape")

        # F8, then the history: the filter takes the texts, then the sale's number
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen) and app.focused is not None)
        await paste(pilot, text)
        check_screen(app)
        await pilot.press("ctrl+e", "ctrl+u")
        await type_text(pilot, str(NEXT_SALE))
        await settle(pilot)
        check_screen(app, shown(text, 15), shown(HOSTILE_TEXTS[first], 8))  # the cashier; the carnets
        await pilot.press("enter")  # to the sales
        await menu(pilot, "history")
        assert isinstance(app.screen, InfoDialog)
        check_screen(app, shown(text, 20))
        await pilot.press("escape", "escape", "escape")  # the dialog, the history, the sale window
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.is_running

    # the printer got the layouts' commands only: receipt, billets -001 and -002, invoice, then the
    # receipt's DUPLICATA, both billets again and the invoice's DUPLICATA
    stream = spool_path(hostile_store.data_dir).read_bytes()
    docs = parse(stream)
    assert len(docs) == 8, [d.lines[:3] for d in docs]
    told = commands(stream)
    assert told.count(("ESC @",)) == 8 and sum(1 for c in told if c[0] == "GS V") == 8
    assert not [c for c in told if c[0] in ("ESC p", "ESC ?", "GS ?", "control")]
    if clean[:20].isascii():
        assert all(clean[:20] in doc.text for doc in docs)  # the venue's name heads every document


def test_cell_widths_agree_with_what_textual_lays_out() -> None:
    """Our fitting counts cells as Textual (rich) does: else a name fitted to a column is measured
    longer or shorter by the screen, and the row beside it shifts."""
    from rich.cells import cell_len

    samples = [clean_text(text) for text in HOSTILE_TEXTS] + [
        "👨\u200d👩\u200d👧 🎉", "👍🏽 ok", "🇫🇷", "❤️ Love", "1\ufe0f\u20e3", "e\u0301",
        "می\u200cخواهم", "Ｆｕｌｌ",
    ]
    for text in samples:
        assert cell_width(text) == cell_len(text), repr(text)
        for width in range(1, 12):
            fitted = fit_cells(text, width)
            assert cell_len(fitted) <= width, (text, width, fitted)

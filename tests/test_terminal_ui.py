"""Textual's own words and glyphs, right-click and the key reader (issue 8, findings 13 and 15).

Through Pilot at 80×24 on a real SQLite file, and the input parser fed the bytes terminals send.
The same in a real pty: tests/test_terminal.py.
"""

from __future__ import annotations

import time

import pytest
from support.ui import make_app, open_sale, pay_cash, pick_manual_line, settle, type_text, wait_until
from textual import events
from textual._xterm_parser import XTermParser
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import DataTable

from carnet_tui.texts import t
from carnet_tui.ui.screens.dialogs import MenuDialog
from carnet_tui.ui.screens.history import HistoryScreen
from carnet_tui.ui.terminal import ConsoleParser, mouse_wanted

SIZE = (80, 24)
# the box characters of the Linux console's font (its 256 glyphs hold single and double lines,
# blocks and shades; not ▔ ▁ nor the rounded or heavy corners, nor emoji)
CONSOLE_BORDERS = {"", "none", "hidden", "blank", "solid", "double", "ascii"}
NOT_IN_CONSOLE_FONT = "▔▁▂▆🔎…╭╮╰╯━┃"


# ---------------------------------------------------------------------------- Textual's words
async def test_ctrl_c_says_in_french_how_to_quit(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        await open_sale(pilot)
        assert app.focused is not None and app.focused.id == "client-search"
        await pilot.press("ctrl+c")  # an input no longer takes it for "copy"
        await pilot.pause()
        notices = list(app._notifications)
        assert [(n.title, n.message) for n in notices] == [(t("notice.quit_title"), t("notice.quit"))] * 2
        svg = app.export_screenshot()
        assert "quit" not in svg.lower().replace("quitter", "")


async def test_the_palette_speaks_french_with_glyphs_the_console_has(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        assert palette.query_one(CommandInput).placeholder == t("palette.placeholder")
        await wait_until(pilot, lambda: palette.query_one(CommandList).option_count > 0)
        for widget in palette.query("*"):
            if widget.display and widget.visible:
                for edge in ("top", "right", "bottom", "left"):
                    kind = getattr(widget.styles, f"border_{edge}")[0]
                    assert kind in CONSOLE_BORDERS, (widget, edge, kind)
        screen = app.export_screenshot()
        assert not [c for c in NOT_IN_CONSOLE_FONT if c in screen]
        await type_text(pilot, "wqwq")
        await wait_until(pilot, lambda: palette.query_one(CommandList).option_count == 1)
        prompt = palette.query_one(CommandList).get_option_at_index(0).prompt
        assert t("palette.no_match") in str(getattr(prompt, "renderable", prompt))
        screen = app.export_screenshot()
        assert "No matches" not in screen and not [c for c in NOT_IN_CONSOLE_FONT if c in screen]


async def test_every_key_shown_has_a_name_of_ours(ui_settings) -> None:
    """Textual names a key itself ("ctrl+q", "escape", "delete") unless told: every key the key
    bar shows carries its French name or cap."""
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = 0
        for open_screen in (None, "alt+a", "f4", "escape", "escape", "f5"):
            if open_screen:
                await pilot.press(open_screen)
                await settle(pilot)
            for _node, binding, _enabled, _tip in app.screen.active_bindings.values():
                if binding.show:
                    seen += 1
                    assert binding.key_display, (type(app.screen).__name__, binding)
        assert seen > 10


# ---------------------------------------------------------------------------- right-click
async def right_click(pilot, selector: str, offset: tuple[int, int] = (0, 0)) -> None:
    """A right-click as the terminal reports it: a press and a release, posted to the app as the
    driver posts them (Pilot's own click skips the app's handling of mouse events)."""
    app = pilot.app
    region = app.screen.query_one(selector).region
    x, y = region.x + offset[0], region.y + offset[1]
    for kind in (events.MouseDown, events.MouseUp):
        app.post_message(kind(None, x, y, 0, 0, 3, False, False, False, screen_x=x, screen_y=y))
        await pilot.pause()
    await settle(pilot)


def _row_menu_title(app) -> str:
    assert isinstance(app.screen, MenuDialog), app.screen
    return app.screen.title_text


async def test_right_click_on_a_sold_row_opens_that_rows_actions(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "12000")
        table = app.screen.query_one("#sold-table", DataTable)
        assert table.row_count == 2 and table.cursor_row == 0
        second = str(table.get_row_at(1)[0])
        await pilot.click("#sold-table", offset=(5, 3))  # a left click: the row, no menu
        await settle(pilot)
        assert not isinstance(app.screen, MenuDialog)
        await right_click(pilot, "#sold-table", (5, 2))  # the first row
        assert _row_menu_title(app) == t("actions.title", number=str(table.get_row_at(0)[0]))
        await pilot.press("escape")
        await settle(pilot)
        await right_click(pilot, "#sold-table", (5, 3))  # the second row
        assert _row_menu_title(app) == t("actions.title", number=second)
        assert table.cursor_row == 1 and app.screen_stack[-2].focused is table
        await pilot.press("escape")
        await settle(pilot)
        await right_click(pilot, "#sold-table", (5, 1))  # the header: nothing
        await right_click(pilot, "#quantity")  # not a table: nothing
        assert not isinstance(app.screen, MenuDialog)


async def test_right_click_in_the_history_opens_the_sale_or_carnet_actions(ui_settings) -> None:
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_sale(pilot)
        await pick_manual_line(pilot, "1")
        await pay_cash(pilot, "5500")
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await settle(pilot)
        history = app.screen
        sales = history.query_one("#history-sales", DataTable)
        number = sales.get_row_at(0)[0]
        await right_click(pilot, "#history-sales", (3, 2))
        assert _row_menu_title(app) == t("actions.sale_title", number=str(number).strip())
        await pilot.press("escape")
        await settle(pilot)
        carnets = history.query_one("#history-carnets", DataTable)
        await right_click(pilot, "#history-carnets", (3, 2))
        assert _row_menu_title(app) == t("actions.title", number=str(carnets.get_row_at(0)[0]))
        assert history.focused is carnets


# ---------------------------------------------------------------------------- the key reader
def _keys(parser: ConsoleParser, data: str) -> list[str]:
    return [e.key if isinstance(e, events.Key) else type(e).__name__ for e in parser.feed(data)]


def test_escape_and_a_character_are_alt_at_once_and_later_keys_keep_their_order() -> None:
    parser = ConsoleParser()
    assert _keys(parser, "\x1ba") == ["alt+a"]  # no 100 ms wait, nothing held back
    assert _keys(parser, "\x1bA") == ["alt+shift+a"]  # Caps Lock
    assert _keys(parser, "\x1bamoh\x1bOS12\r") == ["alt+a", "m", "o", "h", "f4", "1", "2", "enter"]
    assert _keys(parser, "\x1b") == []  # split across two reads: still Alt+A
    assert _keys(parser, "a") == ["alt+a"]


def test_enter_typed_before_the_terminal_went_raw_is_still_enter() -> None:
    # the line discipline turned the CR of an Enter typed during start-up into LF
    assert _keys(ConsoleParser(), "1111\n\x1ba") == ["1", "1", "1", "1", "enter", "alt+a"]
    pasted = list(ConsoleParser().feed("\x1b[200~a\nb\x1b[201~"))  # a paste keeps its line breaks
    assert isinstance(pasted[0], events.Paste) and pasted[0].text == "a\nb"


def test_sequences_and_the_escape_key_are_read_as_before() -> None:
    parser = ConsoleParser()
    assert _keys(parser, "\x1b[A\x1bOQ\x1b[15~\x1b[[D\x1b[3~") == ["up", "f2", "f5", "f4", "delete"]
    assert _keys(parser, "\x1b") == []
    time.sleep(0.2)  # the Escape key alone: known once nothing followed (Textual's ESCDELAY)
    assert [e.key for e in parser.tick()] == ["escape"]
    assert _keys(parser, "\x1b[<0;5;3M\x1b[<0;5;3m") == ["MouseDown", "MouseUp"]
    # a plain paste is read as Textual reads it
    data = "\x1b[200~a b\x1b[201~x"
    ours, textual = list(ConsoleParser().feed(data)), list(XTermParser().feed(data))
    assert [repr(e) for e in ours] == [repr(e) for e in textual]
    assert isinstance(ours[0], events.Paste) and ours[0].text == "a b"


def test_a_paste_with_escapes_inside_comes_whole_and_in_order() -> None:
    # Textual's parser sent what followed an ESC inside a paste as keys, ahead of the paste: a
    # hostile reason pasted into Caisse was stored with its halves swapped
    data = "x\x1b[200~a \x1b]0;t\x07 \x1bp\x00b \x1b@ c\x1b[201~y\x1ba"
    events_ = list(ConsoleParser().feed(data))
    assert [type(e).__name__ for e in events_] == ["Key", "Paste", "Key", "Key"]
    assert events_[1].text == "a \x1b]0;t\x07 \x1bpb \x1b@ c"  # NUL dropped, as Textual does
    assert [events_[0].key, events_[2].key, events_[3].key] == ["x", "y", "alt+a"]


@pytest.mark.parametrize(("sequence", "key"), [
    ("\x1b[34~", "shift+f10"),  # the Linux console and PuTTY: F20
    ("\x1b[21;2~", "shift+f10"),  # xterm
    ("\x1b[25~", "shift+f3"),
    ("\x1b[18~", "f7"),
])
def test_shift_f10_from_every_terminal(sequence: str, key: str) -> None:
    assert _keys(ConsoleParser(), sequence) == [key]


def test_mouse_setting() -> None:
    assert mouse_wanted({}) and mouse_wanted({"CARNET_MOUSE": "1"})
    assert not any(mouse_wanted({"CARNET_MOUSE": v}) for v in ("0", "non", "off", "NO", "false"))

"""The lean wire (ui/lean.py): only changed cells leave, and the terminal ends up the same.

A small model of a terminal (cursor moves, SGR styles, text, wide characters) reads Textual-style
frames as written and as filtered: both must leave the same cells; the filtered one must be short.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

from carnet_tui.ui.lean import ScreenDiff

TOKEN = re.compile(
    r"\x1b\[([0-9;]*)m|\x1b\[(\d*);?(\d*)H|\x1b\[5i.*?\x1b\[4i|\x1b\[\?[0-9;]*[hl]|([^\x1b]+)", re.S
)


def cells(stream: str) -> dict[tuple[int, int], tuple[str, frozenset[str]]]:
    """What a terminal shows after ``stream``: character and the set of SGR attributes per cell."""
    screen: dict[tuple[int, int], tuple[str, frozenset[str]]] = {}
    row = col = 0
    style: set[str] = set()
    for match in TOKEN.finditer(stream):
        sgr, r, c, text = match.group(1), match.group(2), match.group(3), match.group(4)
        if sgr is not None:
            for param in sgr.split(";"):
                if param in ("", "0"):
                    style = set()
                elif param not in ("39", "49"):  # the default colours: as after a reset
                    style.add(param)
        elif r is not None:
            row, col = int(r or 1) - 1, int(c or 1) - 1
        elif text is not None:
            for char in text:
                if char == "\r":
                    col = 0
                elif char == "\n":
                    row += 1
                else:
                    screen[(row, col)] = (char, frozenset(style))
                    if cell_len(char) == 2:
                        screen[(row, col + 1)] = ("", frozenset(style))
                    col += cell_len(char)
    return screen


def frame(rows: dict[int, list[tuple[str, str]]]) -> str:
    """As Textual writes: a move to each row, then each run as ESC[style]m text ESC[0m."""
    out = []
    for row, runs in rows.items():
        out.append(f"\x1b[{row + 1};1H")
        out.extend(f"\x1b[{style}m{text}\x1b[0m" for style, text in runs)
    return "".join(out) + "\x1b[3;5H"


BOX = {0: [("93;49", "╔═ Liste ═╗")], 1: [("93;49", "║"), ("1;97;44", "Carnet 15"), ("93;49", "║")],
       2: [("93;49", "║"), ("39;49", "Carnet 10"), ("93;49", "║")], 3: [("93;49", "╚═════════╝")]}


def test_a_frame_sent_again_costs_only_a_cursor_move() -> None:
    diff = ScreenDiff()
    first = diff.filter(frame(BOX))
    assert cells(first) == cells(frame(BOX))
    again = diff.filter(frame(BOX))
    assert len(again) <= 12, again  # at most the final cursor move and a reset


def test_a_highlight_moving_sends_the_two_rows_and_the_terminal_matches() -> None:
    diff = ScreenDiff()
    moved = {**BOX, 1: [("93;49", "║"), ("39;49", "Carnet 15"), ("93;49", "║")],
             2: [("93;49", "║"), ("1;97;44", "Carnet 10"), ("93;49", "║")]}
    written = diff.filter(frame(BOX)) + diff.filter(frame(moved))
    assert cells(written) == cells(frame(BOX) + frame(moved))
    tail = diff.filter(frame(BOX))
    assert "╔" not in tail and "╚" not in tail and "Carnet 15" in tail  # the frame did not change


def test_wide_characters_and_a_cell_changing_under_one() -> None:
    diff = ScreenDiff()
    wide = {0: [("39;49", "ab漢字cd")]}
    narrow = {0: [("39;49", "abXYZWcd")]}
    written = diff.filter(frame(wide)) + diff.filter(frame(narrow)) + diff.filter(frame(wide))
    assert cells(written) == cells(frame(wide) + frame(narrow) + frame(wide))


def test_default_colours_written_or_reset_are_the_same_blank() -> None:
    diff = ScreenDiff()
    diff.filter("\x1b[1;1H\x1b[0m    ")
    assert "\x1b[1;1H" not in diff.filter("\x1b[1;1H\x1b[39;49m    \x1b[0m")


def test_anything_not_followed_is_let_through_and_the_next_frame_goes_whole() -> None:
    diff = ScreenDiff()
    diff.filter(frame(BOX))
    cleared = diff.filter("\x1b[2J")
    assert cleared.startswith("\x1b[2J") or "\x1b[2J" in cleared
    whole = diff.filter(frame(BOX))
    assert "╔" in whole and "╚" in whole  # the screen was erased: every cell again


def test_a_printer_pass_through_block_is_left_untouched() -> None:
    diff = ScreenDiff()
    diff.filter(frame(BOX))
    payload = "\x1b[5i\x1b@billet\x1bd\x03\x1dV\x00\x1b[4i"
    assert payload in diff.filter(payload)


def test_a_pass_through_block_spread_over_writes_goes_out_byte_for_byte() -> None:
    diff = ScreenDiff()
    diff.filter(frame(BOX))
    parts = ["\x1b[5i\x1b@Bil", "let \x1b[2;2H\x1bd\x03 no cell", "s\x1b[4i"]
    assert "".join(diff.filter(part) for part in parts).endswith("".join(parts))
    assert "╔" not in diff.filter(frame(BOX))  # the screen was not touched by the block

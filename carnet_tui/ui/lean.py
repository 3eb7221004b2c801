"""What Textual repaints for nothing, cut down: every byte of a frame crosses the SSH link.

Imported once by the app (ui/app.py); each change says what it saves, measured by
``bench/wire_bench.py`` through a real sshd (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import os
import re
import threading

from rich.cells import cell_len
from textual.screen import Screen

# Focus moving (Enter or an arrow between zones, a dialog's Tab) repaints the widget left and the
# widget reached (their own Focus/Blur handlers) and the frames whose :focus-within style changed.
# Textual's ``Screen.focused`` reactive also repaints the whole screen: a full 80×24 frame, about
# 6 kB per Enter over SSH, for cells that did not change.
Screen.focused._repaint = False  # type: ignore[attr-defined]

# Textual repaints whole widgets: a frame whose subtitle changed, a list whose highlight moved,
# a dialog's screen. The terminal already shows most of those cells. ``ScreenDiff`` keeps what the
# terminal shows (character and style per cell, as Textual's own output drew them) and lets out
# only the cells that differ, as curses does: an arrow in a list costs its two rows, not the list.
# Anything it does not follow exactly (an erase, a scroll, a control character, a resize) is let
# through as written and it forgets what it knew: the next frame is then sent whole.
_TOKENS = re.compile(
    r"\x1b\[([0-9;]*)m"                 # 1: a style (SGR)
    r"|\x1b\[(?:(\d*)(?:;(\d*))?)H"     # 2, 3: a cursor move (CUP)
    r"|([^\x00-\x1f\x7f\x1b]+)"         # 4: printable text
    r"|(\r\n|\r|\n)"                    # 5: line breaks
    r"|(\x1b\[\?[0-9;]*[hl])"            # 6: private modes (cursor shown, sync, mouse...)
    r"|(\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))"  # 7: OSC (title, pointer shape): no cell changes
    r"|(\x1b\[[0-?]*[ -/]*[@-~]|\x1b.?|[\x00-\x1f\x7f])",
    re.S,
)
_SCREEN_CHANGING_MODES = ("?1049", "?47", "?1047")  # another screen buffer: its cells are not ours
_JOIN_GAP = 3  # unchanged cells re-sent rather than a cursor move (which costs about 7 bytes)

def _canonical(params: str) -> str:
    """SGR parameters as one style: a 0 clears what came before, the default colours (39, 49) are
    no style at all, so "39;49" and a reset compare equal (a blank is a blank)."""
    units: list[str] = []
    parts = params.split(";")
    at = 0
    while at < len(parts):
        part = parts[at]
        if part in ("38", "48") and at + 1 < len(parts):  # extended colour: 5;n or 2;r;g;b
            size = 3 if parts[at + 1] == "5" else 5
            units.append(";".join(parts[at : at + size]))
            at += size
            continue
        at += 1
        if part in ("", "0"):
            units.clear()
        elif part not in ("39", "49"):
            units.append(part)
    return ";".join(units)


Cell = tuple[str, str]  # (characters, SGR parameters since a reset); "" characters: a wide char's right half


class ScreenDiff:
    """Between Textual's frames and the terminal: only changed cells go out (see above)."""

    def __init__(self, fileno: int | None = None) -> None:
        self._fileno = fileno
        self._lock = threading.Lock()
        self._shown: dict[tuple[int, int], Cell] = {}  # what the terminal shows, where known
        self._size: tuple[int, int] | None = None
        self._style = ""  # the style Textual's stream is in
        self._row = self._col = 0  # where Textual's stream writes (0-based)
        self._at: tuple[int, int] | None = None  # where the terminal's cursor is, if known
        self._term_style: str | None = None  # the terminal's current style, if known
        self._pending: dict[tuple[int, int], Cell] = {}
        self._cursor_shown = True  # until Textual hides it
        self._copying = False  # inside a printer pass-through block

    def _forget(self) -> None:
        self._shown.clear()
        self._at = None
        self._term_style = None

    def _terminal_size(self) -> tuple[int, int] | None:
        if self._fileno is None:
            return None
        try:
            size = os.get_terminal_size(self._fileno)
        except OSError:
            return None
        return size.lines, size.columns

    def filter(self, text: str) -> str:
        """What to write for ``text``. A printer pass-through block (``CSI 5 i`` … ``CSI 4 i``, maybe
        spread over several writes) goes out byte for byte, never read as cells."""
        with self._lock:
            out: list[str] = []
            while text:
                if self._copying:
                    end = text.find("\x1b[4i")
                    if end < 0:
                        out.append(text)
                        break
                    out.append(text[: end + 4])
                    text = text[end + 4 :]
                    self._copying = False
                    continue
                start = text.find("\x1b[5i")
                if start < 0:
                    out.append(self._filter(text))
                    break
                out.append(self._filter(text[:start]))
                self._sync_style(out)
                self._copying = True
                text = text[start:]
            return "".join(out)

    def _filter(self, text: str) -> str:
        size = self._terminal_size()
        if size != self._size:
            self._size = size
            self._forget()
        out: list[str] = []
        for match in _TOKENS.finditer(text):
            style, row, col, printable, breaks, mode, _osc, other = match.groups()
            if style is not None:
                self._style = _canonical(f"{self._style};{style}" if style else "0")
            elif match.group(0)[-1:] == "H" and match.group(0).startswith("\x1b["):
                self._row, self._col = int(row or 1) - 1, int(col or 1) - 1
            elif printable is not None:
                self._put(printable)
            elif breaks is not None:
                if "\n" in breaks:
                    self._row += 1
                    if size is None or self._row >= size[0]:  # the screen scrolls
                        self._flush(out)
                        self._sync_style(out)
                        out.append(match.group(0))
                        self._forget()
                        self._at = None
                        continue
                self._col = 0
            else:
                self._flush(out)
                self._sync_style(out)
                if mode in ("\x1b[?25h", "\x1b[?25l"):
                    if mode == "\x1b[?25h":
                        self._move_cursor(out)
                    self._cursor_shown = mode == "\x1b[?25h"
                out.append(match.group(0))
                if other is not None or any(m in (mode or "") for m in _SCREEN_CHANGING_MODES):
                    self._forget()  # an erase, a control, another buffer: the cells are unknown
                    if other == "\x1b[2J" and self._term_style == "" and size is not None:
                        # erased in the default colours: every cell is a blank, known again
                        self._shown.update(((r, c), (" ", "")) for r in range(size[0])
                                           for c in range(size[1]))
        self._flush(out)
        if self._cursor_shown:  # a hidden cursor may stand anywhere: it is moved when shown
            self._move_cursor(out)
        return "".join(out)

    def _move_cursor(self, out: list[str]) -> None:
        if self._at != (self._row, self._col):
            out.append(f"\x1b[{self._row + 1};{self._col + 1}H")
            self._at = (self._row, self._col)

    def _put(self, text: str) -> None:
        pending, style = self._pending, self._style
        for char in text:
            width = cell_len(char)
            if width == 0:  # a combining mark: part of the cell before
                key = (self._row, self._col - 1)
                chars, cell_style = pending.get(key, (None, style))
                if chars:
                    pending[key] = (chars + char, cell_style)
                continue
            pending[(self._row, self._col)] = (char, style)
            if width == 2:
                pending[(self._row, self._col + 1)] = ("", style)
            self._col += width

    def _sync_style(self, out: list[str]) -> None:
        """The terminal in the stream's style: before anything let through, and at each write's end."""
        if self._term_style != self._style:
            out.append(f"\x1b[0;{self._style}m" if self._style else "\x1b[0m")
            self._term_style = self._style

    def _gap(self, row: int, col: int, budget: int) -> str | None:
        """The unchanged cells between the cursor and ``col``, when re-sending them is cheaper than a
        cursor move: plain narrow characters in the terminal's current style."""
        if self._at is None or self._at[0] != row or not 0 < col - self._at[1] <= budget:
            return None
        chars = []
        for at in range(self._at[1], col):
            cell = self._pending.get((row, at)) or self._shown.get((row, at))
            if cell is None or cell[1] != self._term_style or cell_len(cell[0]) != 1:
                return None
            chars.append(cell[0])
        text = "".join(chars)
        return text if len(text.encode()) < budget else None

    def _flush(self, out: list[str]) -> None:
        pending, shown = self._pending, self._shown
        if not pending:
            return
        changed = {key for key, cell in pending.items() if shown.get(key) != cell}
        for row, col in list(changed):  # a wide character goes out whole, with both halves
            left, right = (row, col - 1), (row, col + 1)
            if pending[(row, col)][0] == "" or shown.get((row, col), ("x", ""))[0] == "":
                if left in pending:
                    changed.add(left)
                else:
                    shown.pop(left, None)  # half of a wide character overwritten: unknown now
            if shown.get(right, ("x", ""))[0] == "":
                if right in pending:
                    changed.add(right)
                else:
                    shown.pop(right, None)
        for key in sorted(changed):
            row, col = key
            chars, style = pending[key]
            if not chars:  # a right half: its left half wrote it
                continue
            if self._at != key:
                move = f"\x1b[{row + 1};{col + 1}H"
                gap = self._gap(row, col, len(move))
                out.append(move if gap is None else gap)
            if style != self._term_style:
                out.append(f"\x1b[0;{style}m" if style else "\x1b[0m")
                self._term_style = style
            out.append(chars)
            self._at = (row, col + cell_len(chars))
            if self._size is not None and self._at[1] >= self._size[1]:
                self._at = None  # the last column: where the cursor stands depends on the terminal
        shown.update(pending)
        pending.clear()

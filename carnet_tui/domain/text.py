"""Text is data: the one cleaning rule for every text that enters, and widths in terminal cells.

Every text that comes from the store, the settings, the environment, an import or the keyboard goes
through ``clean_text`` once where it enters. What it removes could command a terminal (ESC, OSC,
CSI), a printer (ESC p kicks the drawer, GS V cuts, ESC @ resets) or reorder what is shown (bidi
overrides). The joiners that Arabic and emoji need (ZWJ, ZWNJ) and the variation selectors stay.
"""

from __future__ import annotations

import unicodedata

# format characters (category Cf) that a name may need: without them emoji sequences and some
# Arabic and Persian words are drawn wrong
KEPT_FORMAT = frozenset("\u200c\u200d")


def _kept(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category[0] != "C":  # letters, marks, numbers, punctuation, symbols, separators
        # U+2028/U+2029 break a line like a newline would
        return category not in ("Zl", "Zp")
    return ch in KEPT_FORMAT  # Cc, Cf (bidi overrides, invisible formatting), Cs, Co, Cn go


def clean_text(text: object, *, single_line: bool = True) -> str:
    """``text`` with controls, bidi overrides and invisible formatting removed, whitespace tidied.

    A single-line text (a name, a label, a setting) has every run of whitespace made one space;
    otherwise line breaks are kept (a note) and tabs become spaces.
    """
    if text is None:
        return ""
    raw = str(text)
    if single_line:
        raw = " ".join(raw.split())  # tabs and newlines are controls too: a space, not glue
        return "".join(ch for ch in raw if _kept(ch)).strip()
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = ("".join(ch for ch in " ".join(line.split()) if _kept(ch)) for line in lines)
    return "\n".join(kept).strip()


def char_cells(ch: str) -> int:
    """Cells a character takes in a terminal: 2 for wide East Asian characters and most emoji,
    0 for combining marks, joiners, variation selectors and skin-tone modifiers, else 1."""
    if unicodedata.combining(ch) or ch in KEPT_FORMAT or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if "\ufe00" <= ch <= "\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff":
        return 0  # variation selectors; skin tones join the emoji before them
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _wide_with_vs16(ch: str) -> bool:
    # a symbol drawn as text by default (❤, ™, #, digits) becomes a 2-cell emoji before U+FE0F
    return ch in "#*0123456789" or (ord(ch) >= 0xA9 and unicodedata.category(ch) in ("So", "Sm", "Po"))


def clusters(text: str) -> list[tuple[str, int]]:
    """``text`` as what a terminal draws as one glyph, each with its cells, measured as Textual
    (rich) measures them, so that what we fit is what the screen lays out: marks join the character
    before them, a ZWJ joins the next emoji into one 2-cell glyph (👨‍👩‍👧), U+FE0F widens a
    symbol to an emoji."""
    result: list[tuple[str, int]] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if ch == "\u200d" and result:  # the joiner and what it joins: one glyph with the one before
            joined, cells = result[-1]
            result[-1] = (joined + text[index : index + 2], cells)
            index += 2
            continue
        if ch == "\ufe0f" and result:
            joined, cells = result[-1]
            widen = cells == 1 and _wide_with_vs16(joined[-1])
            result[-1] = (joined + ch, 2 if widen else cells)
            index += 1
            continue
        cells = char_cells(ch)
        if cells == 0 and result:
            joined, before = result[-1]
            result[-1] = (joined + ch, before)
        else:
            result.append((ch, cells))
        index += 1
    return result


def cell_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(cells for _, cells in clusters(text))


def fit_cells(text: str, width: int, mark: str = ".") -> str:
    """``text`` cut to at most ``width`` terminal cells; a cut is marked with ``mark`` (a French
    abbreviation dot: "…" is not in the Linux console's font). Never cuts inside a glyph."""
    if width <= 0:
        return ""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(mark)
    out: list[str] = []
    used = 0
    for glyph, cells in clusters(text):
        if used + cells > room:
            break
        out.append(glyph)
        used += cells
    return "".join(out) + mark


def pad_cells(text: str, width: int) -> str:
    """``text`` fitted to ``width`` cells then padded with spaces to exactly ``width`` cells."""
    fitted = fit_cells(text, width)
    return fitted + " " * (width - cell_width(fitted))


class _Kept(dict[int, "str | None"]):
    """``str.translate`` table of ``strip_controls``, filled on first sight of each character: the
    check per character runs once per process, not per repaint or per billet."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        category = unicodedata.category(ch)
        if ch == "\n":
            kept: str | None = ch
        elif ch in "\t\r\v\f" or category in ("Zl", "Zp"):
            kept = " "
        elif category[0] == "C" and ch not in KEPT_FORMAT:
            kept = None  # C0/C1 controls (ESC, GS, BEL…), bidi overrides, invisible formatting
        else:
            kept = ch
        self[code] = kept
        return kept


_KEPT = _Kept()


def strip_controls(text: object) -> str:
    """The last guard where a text leaves for a terminal or a printer, whatever the caller passed:
    ``text`` without controls, bidi overrides and invisible formatting; unlike ``clean_text`` the
    spacing is kept (aligned columns, a billet's preview) and line breaks stay."""
    return str(text).translate(_KEPT)

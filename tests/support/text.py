"""Checks of "text is data": what a printer is told to do, and what a terminal screen shows.

``commands`` reads an ESC/POS stream as a printer would (from the ESC/POS reference, not from our
layouts) and keeps only what it is *told to do*: every command with its parameters, and each run
of printed text as one ``("text",)`` token. Two streams that differ only in their texts give the
same list; a control byte smuggled in by a text (ESC p: the cash drawer, GS V: a cut, ESC @: a
reset) shows as a command of its own, or as ``("control", byte)`` when it starts nothing known.
"""

from __future__ import annotations

from carnet_tui.domain.text import cell_width, clean_text, fit_cells

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A
ONE_BYTE_ESC = b"aE!dM-tpJ"  # ESC x n: align, bold, mode, feed, font, underline, code page, drawer…


def commands(stream: bytes) -> list[tuple[object, ...]]:
    tokens: list[tuple[object, ...]] = []
    i = 0
    in_text = False
    while i < len(stream):
        byte = stream[i]
        if byte >= 0x20 or byte == LF:
            if not in_text:
                tokens.append(("text",))
                in_text = True
            i += 1
            continue
        in_text = False
        if byte == ESC and i + 1 < len(stream):
            command = stream[i + 1]
            if command == ord("@"):
                tokens.append(("ESC @",))
                i += 2
            elif command == ord("p"):  # ESC p m t1 t2: kick the cash drawer
                tokens.append(("ESC p", stream[i + 2 : i + 5]))
                i += 5
            elif command in ONE_BYTE_ESC:
                tokens.append((f"ESC {chr(command)}", stream[i + 2]))
                i += 3
            else:
                tokens.append(("ESC ?", command))
                i += 2
        elif byte == GS and i + 1 < len(stream):
            command = stream[i + 1]
            if command == ord("!"):
                tokens.append(("GS !", stream[i + 2]))
                i += 3
            elif command == ord("(") and stream[i + 2] == ord("k"):
                size = stream[i + 3] + 256 * stream[i + 4]
                body = stream[i + 5 : i + 5 + size]
                # the QR's data is a billet number (kept: a text must not change what is encoded)
                # then its signature, which depends on the store's own key: cut at the "."
                tokens.append(("GS ( k", body.split(b".")[0]))
                i += 5 + size
            elif command == ord("v") and stream[i + 2] == ord("0"):
                width = stream[i + 4] + 256 * stream[i + 5]
                height = stream[i + 6] + 256 * stream[i + 7]
                tokens.append(("GS v 0", width, height))
                i += 8 + width * height
            elif command == ord("V"):
                size = 4 if stream[i + 2] in (65, 66) else 3
                tokens.append(("GS V", stream[i + 2 : i + size]))
                i += size
            else:
                tokens.append(("GS ?", command))
                i += 2
        elif byte == DLE and i + 1 < len(stream) and stream[i + 1] == 0x04:
            tokens.append(("DLE EOT", stream[i + 2]))
            i += 3
        else:
            tokens.append(("control", byte))
            i += 1
    return tokens


def shown(text: str, cells: int) -> str:
    """The start of ``text`` as a column of ``cells`` terminal cells shows it, the cut mark left out:
    what a screen must hold literally."""
    fitted = fit_cells(clean_text(text), cells)
    return fitted[:-1] if cell_width(clean_text(text)) > cells else fitted


def screen_lines(app) -> list[str]:
    """The rows of the app's screen as the terminal gets them (the screen below a dialog included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]

"""The ``terminal`` printer: ESC/POS bytes sent to the cashier's own terminal, wrapped in the ANSI
media-copy sequence (printer pass-through, ``CSI 5 i`` … ``CSI 4 i``), which PuTTY, xterm and many
thin-client emulators hand to the printer attached to the cashier's machine.

The bytes must reach the terminal between two frames of the screen, never inside one: only the UI
can do that, so it registers a *sink* (``set_sink``) that takes a whole wrapped document and returns
once it is queued for the terminal, in order with the frames. No sink (no screen): the printer is
not reachable. Pass-through cannot confirm paper: "sent" means handed to the link, and the journal's
rule is unchanged (a billet in flight when the link drops comes out as DUPLICATA on resume).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable

OPEN = b"\x1b[5i"  # CSI 5 i: what follows goes to the printer, not the screen
CLOSE = b"\x1b[4i"  # CSI 4 i: back to the screen
# the same closing sequence with the 8-bit CSI, which some emulators honour
CLOSE_8BIT = b"\x9b4i"
# ``terminal:base64``: the document as base64 letters, decoded at the desk (``base64 -di``). A real
# xterm drops NUL, XON and XOFF (ESC t 19, CP858, loses its 19) and re-encodes every byte >= 0x80 on
# its way to ``printerCommand``, and the server's pty turns LF into CR LF: letters pass unchanged.
ENCODINGS = ("", "base64")

Sink = Callable[[bytes], None]
_sink: Sink | None = None
_lock = threading.Lock()


def set_sink(sink: Sink | None) -> None:
    global _sink
    with _lock:
        _sink = sink


def sink() -> Sink | None:
    with _lock:
        return _sink


def wrap(document: bytes, encoding: str = "") -> bytes:
    """The document framed for the terminal; one that would end the pass-through early is refused
    (the rest would be drawn on the screen and the printer would get a truncated billet). The
    newline after base64 makes xterm flush its printer pipe even without ``printerAutoClose``."""
    if encoding == "base64":
        return OPEN + base64.b64encode(document) + b"\n" + CLOSE
    if CLOSE in document or CLOSE_8BIT in document:
        raise ValueError("closing sequence in the document")
    return OPEN + document + CLOSE

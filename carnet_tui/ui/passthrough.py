"""The UI's side of the ``terminal`` printer: documents written to the terminal between frames.

Textual writes each frame as one string through its driver's writer queue, from the UI thread. A
document handed to the same queue from the UI thread therefore lands between two frames, never
inside one. The printing service runs in a worker thread: it waits (``call_from_thread``) until the
document is queued. ESC/POS is bytes, the queue takes text: the bytes go through as
``surrogateescape`` characters, which the terminal stream turns back into the same bytes.
"""

from __future__ import annotations

import sys
import threading

from textual.app import App

from carnet_tui.printing import passthrough
from carnet_tui.settings import Settings


def _wanted(settings: Settings) -> bool:
    return settings.printer.url.strip().lower().partition(":")[0] == "terminal"


def prepare(settings: Settings) -> None:
    """Before the app runs (no frame written yet): the screen stream in UTF-8 whatever the locale
    (a latin-1 locale drew the boxes as ``\u2554``; the terminal must be UTF-8, ``doctor`` checks
    the locale), and, for the ``terminal`` printer, bytes 0x80-0xFF let through as they are."""
    stream = sys.__stderr__
    if stream is None or not hasattr(stream, "reconfigure"):
        return
    if _wanted(settings):
        stream.reconfigure(encoding="utf-8", errors="surrogateescape")
    elif stream.encoding.lower().replace("-", "") != "utf8":
        stream.reconfigure(encoding="utf-8")


def attach(app: App, settings: Settings) -> None:
    if not _wanted(settings):
        return
    ui_thread = threading.get_ident()

    def write(block: bytes) -> None:
        driver = app._driver
        if driver is None or not app.is_running:
            raise BrokenPipeError("the terminal is gone")
        driver.write(block.decode("ascii", "surrogateescape"))

    def sink(block: bytes) -> None:
        if threading.get_ident() == ui_thread:
            write(block)
        else:
            app.call_from_thread(write, block)

    passthrough.set_sink(sink)


def detach() -> None:
    passthrough.set_sink(None)

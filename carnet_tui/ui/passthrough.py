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
    """Before the app runs (no frame written yet): let bytes 0x80-0xFF through the terminal stream."""
    if _wanted(settings) and sys.__stderr__ is not None:
        sys.__stderr__.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]


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

"""The ``terminal`` printer's python-escpos side (apart from ``passthrough``: the UI imports that
one at start-up, and python-escpos is slow to import)."""

from __future__ import annotations

from escpos.escpos import Escpos

from carnet_tui.printing.passthrough import sink, wrap


class _Link:
    """What ``Device.close`` finds as the open port: nothing to close, the terminal is the UI's."""

    def close(self) -> None:
        return


class TerminalPrinter(Escpos):
    """Collects one document; ``send`` hands it, wrapped, to the UI's sink. ``encoding``: "" (the
    bytes as they are: PuTTY) or "base64" (xterm; see ``passthrough.ENCODINGS``)."""

    def __init__(self, *args, encoding: str = "", **kwargs) -> None:
        Escpos.__init__(self, *args, **kwargs)
        self.encoding = encoding
        self._buffer = bytearray()
        self._device = False

    def open(self, raise_not_found: bool = True) -> None:
        self.device = _Link() if sink() else None  # no screen: open_device reports it not found

    def _raw(self, msg: bytes) -> None:
        self._buffer += msg

    def send(self) -> None:
        document, self._buffer = bytes(self._buffer), bytearray()
        if not document:
            return
        send = sink()
        if send is None:  # the screen went away (link dropped) while the billet was being made
            raise BrokenPipeError("the terminal is gone")
        send(wrap(document, self.encoding))

    def close(self) -> None:
        self._buffer = bytearray()
        self._device = False

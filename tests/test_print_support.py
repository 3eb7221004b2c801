"""Helpers for the printing tests: a sale of the manual, a pseudo-terminal printer, an ESC/POS reader.

The reader below is written from the ESC/POS reference, not from our layouts: it is how the tests
check what a printer would receive.
"""

from __future__ import annotations

import os
import pty
import re
import select
import threading
import time
import tty
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from support.day import counter_context
from support.venue import LEGAL_VENUE

from carnet_tui.domain.clients import ClientInput
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.services import clients, sales
from carnet_tui.settings import PrinterSettings, Settings
from carnet_tui.store.models import Counter

DAY = date(2019, 12, 20)
CP858 = 19
CUT = b"\x1dVB\x00"
BILLET_LINE = re.compile(r"(\d{8}-\d+[A-Z]*-\d{3})\s+(\d+)/(\d+)")


def manual_sale(catalog, client_name: str = "Karim Benjelloun", quantity: int = 2) -> int:
    """Sale 815 of 20/12/2019: 2 carnets of 15 billets (…-815 and …-815A), paid cash, closed."""
    ctx = counter_context()
    if not Counter.get_or_none(Counter.name == "sale"):
        Counter.create(name="sale", value=814)
    client = clients.create_client(ClientInput(client_name, "V", "0661000000"))
    sale_id = sales.open_sale(ctx)
    request = sales.LineRequest("V", catalog.model_id, catalog.visitor_tariff_id, quantity, 60, client.id)
    sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 1200000 * quantity // 2))
    sales.close_sale(ctx, sale_id)
    return sale_id


def settings_for(tmp_path: Path, url: str, write_timeout: float = 0.5, **printer) -> Settings:
    return Settings(
        db=None,
        venue=LEGAL_VENUE,  # filled: an invoice is refused while the legal IDs are not
        printer=PrinterSettings(url=url, write_timeout_s=write_timeout, **printer),
        data_dir=tmp_path / "data",
    )


# --- what a printer receives ----------------------------------------------------------------------


@dataclass
class Printed:
    """One document between two cuts."""

    text: str = ""
    qr: list[str] = field(default_factory=list)
    images: int = 0
    resets: int = 0
    raw: bytes = b""

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]

    @property
    def billet(self) -> tuple[str, int, int] | None:
        for line in self.lines:
            match = BILLET_LINE.fullmatch(line)
            if match:
                return match.group(1), int(match.group(2)), int(match.group(3))
        return None

    @property
    def duplicate(self) -> bool:
        return "DUPLICATA" in self.text


class EscPosFormatError(AssertionError):
    pass


def parse(stream: bytes) -> list[Printed]:
    """Split a byte stream into cut documents; text is decoded with the code page in force.

    Fails if text arrives before a code page was selected since the last ESC @ (the printer would
    then print it in its power-on code page, PC437, and é would come out wrong).
    """
    docs: list[Printed] = []
    doc, text, codepage, start, i = Printed(), bytearray(), None, 0, 0
    while i < len(stream):
        byte = stream[i]
        if byte == 0x1B:
            command = stream[i + 1]
            if command == ord("@"):
                doc.resets += 1
                codepage = None
                i += 2
            elif command == ord("t"):
                codepage = stream[i + 2]
                i += 3
            elif command in b"aE!dM-":
                i += 3
            else:
                raise EscPosFormatError(f"unknown ESC {command:#x} at {i}")
        elif byte == 0x1D:
            command = stream[i + 1]
            if command == ord("!"):
                i += 3
            elif command == ord("(") and stream[i + 2] == ord("k"):
                size = stream[i + 3] + 256 * stream[i + 4]
                body = stream[i + 5 : i + 5 + size]
                if body[:3] == b"1P0":
                    doc.qr.append(body[3:].decode("ascii"))
                i += 5 + size
            elif command == ord("v") and stream[i + 2] == ord("0"):
                width = stream[i + 4] + 256 * stream[i + 5]
                height = stream[i + 6] + 256 * stream[i + 7]
                doc.images += 1
                i += 8 + width * height
            elif command == ord("V"):
                i += 4 if stream[i + 2] in (65, 66) else 3
                doc.text = text.decode("cp858")
                doc.raw = stream[start:i]
                docs.append(doc)
                doc, text, start = Printed(), bytearray(), i
            else:
                raise EscPosFormatError(f"unknown GS {command:#x} at {i}")
        elif byte == 0x10 and stream[i + 1] == 0x04:  # DLE EOT n: a status question, not printed
            i += 3
            if doc.resets == 0 and not text:
                start = i
        else:
            if codepage != CP858:
                raise EscPosFormatError(f"text at {i} without the CP858 code page since the last reset")
            text.append(byte)
            i += 1
    return docs


def billet_numbers(docs: list[Printed]) -> list[str]:
    return [d.billet[0] for d in docs if d.billet]


# --- a printer at the end of a pseudo-terminal ----------------------------------------------------


class PtyPrinter:
    """The far end of a serial line: a pty pair in raw mode and a thread reading what arrives.

    ``answers`` maps a status question (DLE EOT n) to the byte a real printer would send back.
    """

    def __init__(self, answers: dict[bytes, bytes] | None = None) -> None:
        self.master, self.slave = pty.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.answers = answers or {}
        self.data = bytearray()
        self._lock = threading.Lock()
        self._reading = threading.Event()
        self._reading.set()
        self._idle = threading.Event()
        self._stop = threading.Event()
        self._master_open = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"serial:{self.path}?baudrate=9600"

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._reading.is_set():
                self._idle.set()
                time.sleep(0.01)
                continue
            self._idle.clear()
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                break
            with self._lock:
                self.data.extend(chunk)
            for question, answer in self.answers.items():
                if question in chunk:
                    os.write(self.master, answer)
        self._idle.set()

    def received(self) -> bytes:
        with self._lock:
            return bytes(self.data)

    def wait_for_cuts(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while self.received().count(CUT) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} cuts, got {self.received().count(CUT)}")
            time.sleep(0.01)

    def stop_reading(self) -> None:
        """The printer stops taking data (paper jam, flow control): then its buffer fills up."""
        self._reading.clear()
        self._idle.wait(5)
        # fill what is left of the line's buffer from the terminal side, as queued data would
        # The kernel moves pty data between two buffers in a work queue, so room can reappear a
        # moment after EAGAIN: fill until the buffer has stayed full for several rounds.
        fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
        try:
            full_rounds = 0
            while full_rounds < 5:
                wrote = 0
                for size in (4096, 256, 16, 1):
                    while True:
                        try:
                            wrote += os.write(fd, b"\0" * size)
                        except BlockingIOError:
                            break
                full_rounds = full_rounds + 1 if wrote == 0 else 0
                time.sleep(0.05)
        finally:
            os.close(fd)

    def resume_reading(self) -> None:
        """The jam is cleared: the printer takes data again (the filler bytes come first)."""
        self._reading.set()

    def unplug(self) -> None:
        """The printer goes away: the master end closes."""
        self._stop.set()
        self._thread.join(5)
        if self._master_open:
            os.close(self.master)
            self._master_open = False

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        if self._master_open:
            os.close(self.master)
            self._master_open = False
        os.close(self.slave)

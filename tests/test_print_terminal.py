"""The ``terminal`` printer: billets at the cashier's own desk, through the terminal's printer
pass-through (``CSI 5 i`` … ``CSI 4 i``).

The real command runs in a pseudo-terminal; the reader plays a terminal that announces synchronized
output, so that Textual brackets each frame (``CSI ? 2026 h`` … ``l``): every pass-through block
must start outside a frame. The blocks are cut out of the stream and decoded with the independent
ESC/POS reader.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.day import SIGN_IN_KEYS, prepare_store
from support.terminal import Terminal, clean_env, sell
from test_print_support import billet_numbers, parse

from carnet_tui.printing import passthrough
from carnet_tui.printing.devices import DeviceError, open_device
from carnet_tui.settings import PrinterSettings

CARNET_TUI = Path(sys.executable).with_name("carnet-tui")
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_SUPPORTED = b"\x1b[?2026;2$y"  # DECRPM: mode 2026 known, reset
SYNC_START, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"
BLOCK = re.compile(re.escape(passthrough.OPEN) + b"(.*?)" + re.escape(passthrough.CLOSE), re.DOTALL)


def blocks(stream: bytes) -> list[tuple[int, bytes]]:
    """The pass-through blocks of a terminal stream, with where each starts."""
    return [(match.start(), match.group(1)) for match in BLOCK.finditer(stream)]


def test_billets_go_through_the_terminal_between_frames(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    db = tmp_path / "carnet.db"
    subprocess.run([str(CARNET_TUI), "--db", str(db), "init", "--demo"], env=env, check=True,
                   capture_output=True, timeout=60)
    prepare_store(str(db))  # who signs in; the desk's till opened
    term = Terminal([str(CARNET_TUI), "--db", str(db), "--printer", "terminal"], env)
    try:
        term.wait_for_text(SYNC_QUERY)
        term.write(SYNC_SUPPORTED)
        sell(term, db, SIGN_IN_KEYS)
        term.wait_for(lambda: len(blocks(term.bytes())) == 31, limit=30, what="31 blocks")
    finally:
        term.stop()
    stream = term.bytes()
    found = blocks(stream)
    assert stream.count(SYNC_START) > 5  # frames were bracketed: the check below means something
    for start, _ in found:
        before = stream[:start]
        assert before.count(SYNC_START) == before.count(SYNC_END), f"a block inside a frame at {start}"
    # byte for byte: the pty's output processing (ONLCR) made each LF a CR LF inside the blocks,
    # which breaks any command whose parameter is 0x0A; our documents hold no CR of their own
    assert not [start for start, body in found if b"\r" in body]
    docs = parse(b"".join(body for _, body in found))
    numbers = billet_numbers(docs)
    assert len(numbers) == 30 and len(set(numbers)) == 30
    assert any("TICKET DE CAISSE" in doc.text for doc in docs)
    assert not any(doc.duplicate for doc in docs)
    outside = BLOCK.sub(b"", stream)
    assert b"\x1b@" not in outside and b"\x1dV" not in outside  # no printer byte drawn on the screen


@pytest.fixture
def sink():
    received: list[bytes] = []
    passthrough.set_sink(received.append)
    yield received
    passthrough.set_sink(None)


def test_closing_sequence_in_a_document_is_refused(tmp_path: Path, sink: list[bytes]) -> None:
    with open_device(PrinterSettings(url="terminal"), tmp_path) as device:
        device.write(b"\x1b@billet\n")
        assert sink == [passthrough.OPEN + b"\x1b@billet\n" + passthrough.CLOSE]
        for hostile in (b"nom \x1b[4i\x1b[2J", b"nom \x9b4i"):
            with pytest.raises(DeviceError) as caught:
                device.write(hostile)
            assert caught.value.kind == "passthrough"
    assert len(sink) == 1  # nothing of the refused documents reached the terminal


def test_no_screen_no_terminal_printer(tmp_path: Path) -> None:
    passthrough.set_sink(None)
    with pytest.raises(DeviceError) as caught:
        open_device(PrinterSettings(url="terminal"), tmp_path)
    assert caught.value.kind == "not_found"

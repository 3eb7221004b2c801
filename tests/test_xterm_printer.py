"""The ``terminal`` printer through a real xterm (Debian's, under Xvfb), keys typed through X.

What xterm hands its ``printerCommand`` in printer controller mode (``CSI 5 i`` … ``CSI 4 i``) was
measured here: it drops NUL, XON and XOFF (as DEC's terminals did) and, in a UTF-8 xterm, turns every
byte >= 0x80 into a UTF-8 character (invalid ones into one replacement), and the program's pty
turns LF into CR LF. ESC/POS bytes cannot pass that way (``ESC t 19``, CP858, loses its 19; a
QR's length loses its NUL; "N°" is 0xF8). ``terminal:base64`` sends the document as base64 letters,
which pass unchanged, and the desk's ``printerCommand`` decodes them (``base64 -di``).

The sale tests sell the manual's line from copies of one prepared store, through xterm and the same
keys: to a ``file:`` printer on the server (the reference), then to ``terminal:base64`` with xterm's
printer command decoding each document into a file, xterm running the program directly and through
``ssh -tt`` and a private sshd; the files must hold the same billets, byte for byte, in order.
"""

from __future__ import annotations

import base64
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from support import sshd, xterm
from support.day import prepare_store
from support.terminal import billets_sent, clean_env
from test_print_support import billet_numbers, parse

from carnet_tui.printing import passthrough
from carnet_tui.printing.devices import DeviceError, open_device, parse_url
from carnet_tui.settings import PrinterSettings

CARNET_TUI = Path(sys.executable).with_name("carnet-tui")
needs_xterm = pytest.mark.skipif(xterm.available() is not None, reason=str(xterm.available()))
BLOCK = re.compile(re.escape(passthrough.OPEN) + b"(.*?)" + re.escape(passthrough.CLOSE), re.DOTALL)


def resources(command: str) -> list[str]:
    """The xterm settings docs/DEPLOY.md gives for the desk (the printer command aside). No
    ``printerAutoClose``: with it each document is its own printer command, and successive ones race
    (billets came out swapped in 3 runs of 4 here); one long-lived command keeps them in order."""
    return [f"XTerm*printerCommand: {command}", "XTerm*printerAutoClose: false",
            "XTerm*metaSendsEscape: true"]


def decoding_into(out: Path) -> str:
    """docs/DEPLOY.md's printer command, writing into ``out``: one document per base64 line, each
    decoded as it arrives (``base64 -d`` alone would wait for the end of its input)."""
    return f"""sh -c 'while read -r doc; do printf %s "$doc" | base64 -di; done >> {shlex.quote(str(out))}'"""


# --- what xterm does to the bytes ---------------------------------------------------------------

EMIT = """
import sys, time
from carnet_tui.printing.passthrough import wrap
every = bytes(range(256))
sys.stdout.buffer.write(b"emitting\\r\\n" + wrap(every) + wrap(every, "base64") + b"emitted\\r\\n")
sys.stdout.buffer.flush()
time.sleep(60)
"""


@needs_xterm
def test_xterm_alters_raw_bytes_and_passes_base64(tmp_path: Path) -> None:
    out = tmp_path / "printer.bin"
    env = clean_env(tmp_path)
    every = bytes(range(256))
    encoded = base64.b64encode(every)

    def arrived() -> bool:
        got = out.read_bytes() if out.exists() else b""
        return encoded in got and b"\x7e\x7f" in got

    with xterm.Xterm(tmp_path / "x", [sys.executable, "-c", EMIT], env,
                     resources(f"cat >> {shlex.quote(str(out))}")) as term:
        term.wait_for_text(b"emitted")
        term.wait_for(arrived, limit=20, what="both blocks at the printer")
        settled_size(out)
    got = out.read_bytes()
    before, found, after = got.partition(encoded + b"\r\n")  # the pty made the newline CR LF
    assert found, got
    raw = before + after
    assert base64.b64decode(found) == every  # the letters came through whole
    # the raw block did not: NUL, XON (0x11), XOFF (0x13) dropped, LF made CR LF, 0x80-0xFF re-encoded
    low, high = raw.split(b"\x7f", 1)
    assert low + b"\x7f" == bytes(b for b in every[:128] if b not in (0, 0x11, 0x13)).replace(b"\n", b"\r\n")
    assert high != every[128:] and len(high) > 128
    assert b"\xf8" not in high  # "N°" in CP858 never reaches the printer


def settled_size(path: Path, quiet: float = 0.5) -> None:
    """Wait until ``path`` stopped growing for ``quiet`` seconds (bounded)."""
    end, last, since = time.monotonic() + 20, -1, time.monotonic()
    while time.monotonic() < end:
        size = path.stat().st_size
        if size != last:
            last, since = size, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.05)


# --- the manual's sale, file: against terminal:base64 through xterm ------------------------------

def sell(term: xterm.Xterm, db: Path) -> None:
    """The manual's line, typed on xterm's keyboard (PIN, Alt+A, search, 4 Tab, 2, F4, 12000, F6, o, o)."""
    term.wait_for_text(b"Identification")
    term.settled()
    steps: list[tuple[list[tuple[str, str]], bytes]] = [
        ([("type", "1234"), ("key", "Return")], b"Alt+A"),
        ([("key", "alt+a")], b"Liste des Carnets"),
        ([("type", "mohamed benn")], b"Bennani"),
        ([("key", "Tab"), ("key", "Tab"), ("key", "Tab"), ("key", "Tab"), ("type", "2"), ("key", "F4")],
         "Reçu".encode()),
        ([("type", "12000"), ("key", "Return")], "Réglé".encode()),
        ([("key", "F6")], b"Imprimer les billets du carnet"),
        ([("type", "o")], b"A (15 billets)"),  # the second carnet's question
    ]
    for keys, answer in steps:
        mark = term.mark()
        for how, what in keys:
            term.type(what) if how == "type" else term.key(what)
        term.wait_for_text(answer, after=mark)
        term.settled()
    term.type("o")
    term.wait_for(lambda: billets_sent(db) == 30, limit=60, what="30 billets sent")
    term.settled()


def documents_at(path: Path, count: int) -> bool:
    return path.exists() and len(parse(path.read_bytes())) == count


def masked(doc: bytes) -> bytes:
    """A document with its times of day hidden (the two sales may straddle a minute)."""
    return re.sub(rb"\d\d:\d\d", b"hh:mm", doc)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A prepared store (who signs in, the desk's till opened) and what a ``file:`` printer got for
    the manual's sale on a copy of it, typed in xterm like the others."""
    if xterm.available() is not None:
        pytest.skip(str(xterm.available()))
    folder = tmp_path_factory.mktemp("reference")
    env = clean_env(folder)
    prepared = folder / "prepared.db"
    subprocess.run([str(CARNET_TUI), "--db", str(prepared), "init", "--demo"], env=env, check=True,
                   capture_output=True, timeout=60)
    prepare_store(str(prepared))
    db, out = folder / "file.db", folder / "file.bin"
    shutil.copy(prepared, db)
    with xterm.Xterm(folder / "x", [str(CARNET_TUI), "--db", str(db), "--printer", f"file:{out}"], env,
                     resources("")) as term:
        sell(term, db)
    assert len(out.read_bytes()) > 5000
    return prepared, out.read_bytes()


def sale_at_the_desk(tmp_path: Path, prepared: Path, argv: Callable[[Path], list[str]]) -> bytes:
    """The manual's sale on a copy of ``prepared`` (the same billet numbers and signed QR codes),
    xterm running ``argv(db)``, its printer command decoding base64 into a file: what it printed."""
    env = clean_env(tmp_path)
    db, out = tmp_path / "desk.db", tmp_path / "desk.bin"
    shutil.copy(prepared, db)
    with xterm.Xterm(tmp_path / "x", argv(db), env, resources(decoding_into(out))) as term:
        sell(term, db)
        term.wait_for(lambda: len(BLOCK.findall(term.bytes())) == 31, limit=30, what="31 blocks")
        term.wait_for(partial(documents_at, out, 31), limit=30, what="31 documents at the printer")
        screen = BLOCK.sub(b"", term.bytes())
        assert b"\x1b@" not in screen and b"\x1dV" not in screen  # no printer byte drawn
    return out.read_bytes()


def same_billets(at_desk_bytes: bytes, at_file_bytes: bytes) -> None:
    at_file, at_desk = parse(at_file_bytes), parse(at_desk_bytes)
    numbers = billet_numbers(at_desk)
    assert len(numbers) == 30 and len(set(numbers)) == 30
    assert numbers == billet_numbers(at_file)  # in order, too
    assert [doc.qr for doc in at_desk] == [doc.qr for doc in at_file]
    assert all(doc.qr for doc in at_desk if doc.billet)
    assert [masked(doc.raw) for doc in at_desk] == [masked(doc.raw) for doc in at_file]
    assert not any(doc.duplicate for doc in at_desk)


@needs_xterm
def test_manual_sale_through_xterm_prints_what_a_file_printer_gets(
        tmp_path: Path, reference: tuple[Path, bytes]) -> None:
    prepared, at_file = reference
    at_desk = sale_at_the_desk(tmp_path, prepared,
                               lambda db: [str(CARNET_TUI), "--db", str(db), "--printer", "terminal:base64"])
    same_billets(at_desk, at_file)


@needs_xterm
@pytest.mark.skipif(sshd.available() is not None, reason=str(sshd.available()))
def test_manual_sale_through_xterm_and_ssh(tmp_path: Path, reference: tuple[Path, bytes]) -> None:
    """The deployment's path: xterm at the desk, ``ssh -tt``, a private sshd, the ForceCommand."""
    prepared, at_file = reference
    db = tmp_path / "desk.db"
    command = [str(CARNET_TUI), "--db", str(db), "--printer", "terminal:base64",
               "--data-dir", str(tmp_path / "data")]
    server_env = {"CARNET_CONFIG": str(tmp_path / "absent-config.toml"), "LANG": "C.UTF-8"}
    with sshd.PrivateSshd(tmp_path / "sshd", command, server_env) as server:
        at_desk = sale_at_the_desk(tmp_path, prepared, lambda _db: server.client_argv())
    same_billets(at_desk, at_file)


# --- the setting -----------------------------------------------------------------------------------

def test_terminal_base64_setting(tmp_path: Path) -> None:
    assert parse_url("terminal:BASE64").target == "base64" and parse_url("terminal").target == ""
    with pytest.raises(DeviceError) as caught:
        parse_url("terminal:hex")
    assert caught.value.kind == "url"
    received: list[bytes] = []
    passthrough.set_sink(received.append)
    try:
        with open_device(PrinterSettings(url="terminal:base64"), tmp_path) as device:
            device.write(b"\x1b@\x1bt\x13N\xf8 \x00 \x1b[4i\n")  # NUL, XOFF, CP858, even the closing sequence
    finally:
        passthrough.set_sink(None)
    encoded = base64.b64encode(b"\x1b@\x1bt\x13N\xf8 \x00 \x1b[4i\n")
    assert received == [passthrough.OPEN + encoded + b"\n" + passthrough.CLOSE]

"""Keys typed while the counter starts: kept, not echoed, and Enter left as Enter.

Until Textual sets the terminal raw (~250 ms after launch: its imports come first), the terminal's
line discipline is in charge of what the cashier types: it echoes the keys on the screen the app is
about to cover, and turns Enter's CR into LF. This module imports nothing heavy, so the terminal
goes raw ~40 ms into the process; what was typed before that is read by ``ui.terminal.ConsoleParser``,
which takes LF for Enter.

What was typed before that (during an SSH login, say) was echoed already: a PIN typed ahead would
reappear on the terminal once the app ends. The keys still waiting when the terminal goes raw say
so, and the screen is then wiped at the end.

Those keys are also read then, and kept here: a PIN and Enter at their head are a sign-in typed
ahead (``take_pin``), checked while Textual is still being imported (scrypt leaves the interpreter
free, so it runs on another core) and without drawing the sign-in screen; the driver reads the rest
first (``take_typed``), before anything typed later.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import struct
import sys
import termios
from collections.abc import Iterator

# home, erase the screen and the scrollback (xterm's 3J; ignored where unknown)
WIPE = "\x1b[H\x1b[2J\x1b[3J"

# a PIN and Enter, as the line discipline left them (CR, or LF when typed before the raw mode)
_PIN_AHEAD = re.compile(rb"(\d{1,8})[\r\n]")

_typed = bytearray()  # read from the terminal at start, not yet handed on


def _waiting(fd: int) -> int:
    """Bytes typed and not read yet."""
    try:
        return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
    except OSError:
        return 0


@contextlib.contextmanager
def held_keys() -> Iterator[None]:
    """Echo, line editing and CR→LF off on the terminal's input for the app's whole run; the
    terminal's own settings back afterwards (Textual restores the ones it found: these)."""
    stream = sys.__stdin__
    try:
        fd = stream.fileno() if stream is not None else -1
        before = termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):  # no terminal: nothing typed to keep
        yield
        return
    raw = termios.tcgetattr(fd)
    raw[0] &= ~termios.ICRNL  # iflag
    raw[3] &= ~(termios.ECHO | termios.ICANON)  # lflag; signals (Ctrl+C) stay as they were
    raw[6][termios.VMIN], raw[6][termios.VTIME] = 1, 0
    echoed = False
    try:
        termios.tcsetattr(fd, termios.TCSANOW, raw)
        waiting = _waiting(fd)
        echoed = waiting > 0 and bool(before[3] & termios.ECHO)
        if waiting:
            with contextlib.suppress(OSError):
                _typed.extend(os.read(fd, waiting))  # there already: does not block
        yield
    finally:
        _typed.clear()  # a PIN typed ahead is not kept past the app
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(fd, termios.TCSANOW, before)
        screen = sys.__stderr__  # where Textual draws
        if echoed and screen is not None and screen.isatty():
            with contextlib.suppress(OSError, ValueError):
                screen.write(WIPE)
                screen.flush()


def pin_ahead() -> str | None:
    """The PIN typed ahead of the screen, followed by Enter, if the keys read at start begin so."""
    found = _PIN_AHEAD.match(bytes(_typed))  # a copy: the match must outlive a deletion
    return found.group(1).decode() if found else None


def take_pin() -> str | None:
    """That PIN, taken out of the keys: the driver will not see it nor its Enter."""
    pin = pin_ahead()
    if pin is not None:
        del _typed[: len(pin) + 1]  # the digits and their Enter (one byte: CR or LF)
    return pin


def take_typed() -> bytes:
    """The keys read at start and not taken: the driver feeds them to its parser first."""
    typed = bytes(_typed)
    _typed.clear()
    return typed

"""Keys typed while the counter starts: kept, not echoed, and Enter left as Enter.

Until Textual sets the terminal raw (~250 ms after launch: its imports come first), the terminal's
line discipline is in charge of what the cashier types: it echoes the keys on the screen the app is
about to cover, and turns Enter's CR into LF. This module imports nothing heavy, so the terminal
goes raw ~40 ms into the process; what was typed before that is read by ``ui.terminal.ConsoleParser``,
which takes LF for Enter.

What was typed before that (during an SSH login, say) was echoed already: a PIN typed ahead would
reappear on the terminal once the app ends. The keys still waiting when the terminal goes raw say
so, and the screen is then wiped at the end.
"""

from __future__ import annotations

import contextlib
import fcntl
import struct
import sys
import termios
from collections.abc import Iterator

# home, erase the screen and the scrollback (xterm's 3J; ignored where unknown)
WIPE = "\x1b[H\x1b[2J\x1b[3J"


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
        echoed = _waiting(fd) > 0 and bool(before[3] & termios.ECHO)
        yield
    finally:
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(fd, termios.TCSANOW, before)
        screen = sys.__stderr__  # where Textual draws
        if echoed and screen is not None and screen.isatty():
            with contextlib.suppress(OSError, ValueError):
                screen.write(WIPE)
                screen.flush()

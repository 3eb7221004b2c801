"""Keys typed while the counter starts: kept, not echoed, and Enter left as Enter.

Until Textual sets the terminal raw (~250 ms after launch: its imports come first), the terminal's
line discipline is in charge of what the cashier types: it echoes the keys on the screen the app is
about to cover (a PIN typed ahead would reappear in the scrollback after the app ends), and turns
Enter's CR into LF. This module imports nothing heavy, so the terminal goes raw ~20 ms into the
process; what was typed before that is read by ``ui.terminal.ConsoleParser``, which takes LF for
Enter.
"""

from __future__ import annotations

import contextlib
import sys
import termios
from collections.abc import Iterator


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
    try:
        termios.tcsetattr(fd, termios.TCSANOW, raw)
        yield
    finally:
        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(fd, termios.TCSANOW, before)

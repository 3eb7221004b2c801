"""The app and its terminal: keys read as typed, signals, hang-ups, mouse clicks, Textual's own words.

Textual 8.2 is used as it is; what a counter needs differently lives here, in subclasses:

- ``ConsoleParser``: ``ESC a`` is Alt+A at once (Textual waits for 100 ms of silence, and keys
  typed meanwhile were lost); the Linux console's Shift+F3…F10 codes are keys, not characters.
- ``ConsoleDriver``: mouse reporting for clicks only (no motion: each move cost ~400 bytes over SSH),
  off with ``CARNET_MOUSE=0``; SIGTERM and SIGHUP end the app cleanly, the terminal restored;
  a terminal that goes away (end of input, hang-up) ends the app instead of a thread spinning on
  an empty read; a dead terminal's write errors are dropped instead of killing the writer.
- ``ConsoleApp``: each key handled before the next is routed (keys typed ahead land where the
  previous key sent the cashier); Ctrl+C's notice in French; right-click on a table row = F7.
- ``ConsolePalette``: the command palette in French, drawn with box characters the console has.
"""

from __future__ import annotations

import asyncio
import os
import selectors
import signal
import sys
import termios
import threading
from codecs import getincrementaldecoder
from collections.abc import Callable, Generator
from typing import IO, Any

from rich.align import Align
from rich.text import Text
from textual import constants, events
from textual._parser import ParseEOF, ParseError, ParseTimeout, Peek1, Read1, TokenCallback
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.app import App
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.driver import Driver
from textual.widgets.option_list import Option

from carnet_tui.printing.passthrough import OPEN as _OPEN
from carnet_tui.texts import t
from carnet_tui.ui import early_keys

ESC = "\x1b"
# After ESC these start a longer sequence (CSI, SS3): anything else is the Alt modifier
SEQUENCE_STARTS = frozenset("[O" + ESC)
# The Linux console (and PuTTY) send Shift+F3…F10 as F13…F20; Textual 8.2 reads "ESC [ 34 ~" as
# the character '"' (typed into the focused field), the others as control characters. Shift+F1 and
# Shift+F2 come as F11 and F12 and cannot be told apart from them.
LINUX_CONSOLE_KEYS = {
    "\x1b[25~": "shift+f3",
    "\x1b[26~": "shift+f4",
    "\x1b[28~": "shift+f5",
    "\x1b[29~": "shift+f6",
    "\x1b[31~": "shift+f7",
    "\x1b[32~": "shift+f8",
    "\x1b[33~": "shift+f9",
    "\x1b[34~": "shift+f10",
}
# seconds an ending app gets to close before the process leaves anyway (a hung handler, a print job)
EXIT_GRACE_S = 10.0
# a document for the terminal's printer starts so (printing/passthrough.py)
PRINTER_OPEN = _OPEN.decode()
# written straight to the terminal if the grace runs out: what stop_application_mode would write
RESTORE = "\x1b[?1000l\x1b[?1006l\x1b[?2004l\x1b[?7h\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l"


class ConsoleParser(XTermParser):
    """Textual's parser, except that ESC and a plain character are Alt+that character at once.

    Textual keeps ``ESC a`` open as the start of a possible longer sequence until 100 ms pass with
    no input. Keys typed within that time (a practised cashier, a burst over SSH) were appended to
    the "sequence", which was then given up: the Alt+A was lost, its window never opened, and the
    keys after it went to the wrong place. No terminal sequence starts with ESC and a letter, a digit
    or a space (only ``ESC [`` and ``ESC O`` do), so nothing needs to be waited for.
    """

    def parse(self, token_callback: TokenCallback) -> Generator[Read1 | Peek1, str, None]:
        def from_textual(token: Any) -> None:
            if isinstance(token, events.Paste) and not token.text:
                return  # the end of a paste we collected and gave already (below)
            token_callback(token)

        inner = super().parse(from_textual)  # Textual's own parser does everything else
        awaiting = next(inner)
        recent = ""  # the last characters given to it: has a bracketed paste begun?
        pasted: list[str] | None = None  # a paste's text, collected here

        def forward(char: str) -> Read1 | Peek1:
            nonlocal recent, pasted
            recent = (recent + char)[-len(BRACKETED_PASTE_START):]
            if recent == BRACKETED_PASTE_START:
                pasted = []
            return inner.send(char)

        while True:
            try:
                char = yield (self.read1() if pasted is not None else awaiting)
            except (ParseTimeout, ParseEOF) as exc:
                try:
                    awaiting = inner.throw(exc)
                except StopIteration:
                    return
                continue
            if pasted is not None:
                # A paste is collected here whole. Textual's parser read an ESC inside it as the
                # start of a sequence and sent what followed as keys, ahead of the paste: a pasted
                # "a ESC]0;t b" reached the field as "^]0;t b" then "a ", its halves swapped.
                pasted.append(char)
                if "".join(pasted[-len(BRACKETED_PASTE_END):]) == BRACKETED_PASTE_END:
                    text = "".join(pasted[: -len(BRACKETED_PASTE_END)]).replace("\x00", "")
                    pasted = None
                    token_callback(events.Paste(text))
                    for end in BRACKETED_PASTE_END:  # Textual's parser leaves its paste mode
                        awaiting = forward(end)
                continue
            # Textual waits for the next character with a timeout only inside a sequence
            if char == ESC and awaiting.timeout is None:
                try:
                    following = yield self.read1(constants.ESCAPE_DELAY)
                except (ParseTimeout, ParseEOF) as exc:  # a lone ESC: the Escape key, as Textual says
                    awaiting = forward(ESC)
                    try:
                        awaiting = inner.throw(exc)
                    except StopIteration:
                        return
                    continue
                if following.isprintable() and following not in SEQUENCE_STARTS:
                    for event in self._sequence_to_key_events(following, alt=True):
                        token_callback(event)
                    continue
                awaiting = forward(ESC)
                char = following
            if char == "\n":
                # keys typed before the app set the terminal raw (at launch, over SSH) went through
                # the line discipline, which turned Enter's CR into LF: that Enter was lost, and the
                # PIN typed ahead with it. In raw mode only Ctrl+J sends LF; it is Enter here too.
                char = "\r"
            awaiting = forward(char)

    def _sequence_to_key_events(self, sequence: str, alt: bool = False):  # type: ignore[override]
        name = LINUX_CONSOLE_KEYS.get(sequence)
        if name is not None:
            yield events.Key(name, None)
            return
        yield from super()._sequence_to_key_events(sequence, alt)


def mouse_wanted(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """``CARNET_MOUSE=0`` (or non, off, no, false) turns mouse reporting off."""
    return environ.get("CARNET_MOUSE", "1").strip().casefold() not in {"0", "non", "off", "no", "false"}


def terminal_missing() -> list[str]:
    """The standard streams that are not a terminal (the app draws on one and reads keys from one)."""
    streams = (("stdin", sys.stdin), ("stdout", sys.stdout), ("stderr", sys.stderr))
    missing = []
    for name, stream in streams:
        try:
            if stream is None or not os.isatty(stream.fileno()):
                missing.append(name)
        except (OSError, ValueError):
            missing.append(name)
    return missing


class _TerminalFile:
    """Textual's writer thread dies on the first failed write (a terminal gone: EIO), after which
    every write blocks on its full queue and the app can never end. Failed writes are dropped."""

    def __init__(self, file: IO[str], on_error: Callable[[], None]) -> None:
        self._file = file
        self._on_error = on_error
        from carnet_tui.ui.lean import ScreenDiff

        try:
            self._diff = ScreenDiff(file.fileno())
        except (OSError, ValueError):
            self._diff = ScreenDiff()

    def write(self, text: str) -> None:
        try:
            if PRINTER_OPEN in text:
                self._write_printer_block(text)
                return
            # only the cells that changed go out (ui/lean.py); in the writer thread, off the keys' way
            self._file.write(self._diff.filter(text))
        except (OSError, ValueError):
            self._on_error()

    def _write_printer_block(self, text: str) -> None:
        """A document for the terminal's printer (``printing/passthrough.py``), byte for byte: the
        pty's output processing turned each LF into CR LF (ONLCR), which broke any ESC/POS command
        whose parameter is 0x0A (a raster image's data, a QR length) and sent 197 stray CRs with
        a two-carnet sale. Output processing is off for that write only."""
        fd = self._file.fileno()
        try:
            before = termios.tcgetattr(fd)
        except termios.error:  # not a terminal (a test's pipe): nothing translates
            self._file.write(self._diff.filter(text))
            return
        self._file.flush()
        raw = list(before)
        raw[1] &= ~termios.OPOST  # oflag
        termios.tcsetattr(fd, termios.TCSADRAIN, raw)
        try:
            self._file.write(self._diff.filter(text))
            self._file.flush()
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, before)

    def flush(self) -> None:
        try:
            self._file.flush()
        except (OSError, ValueError):
            self._on_error()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return True


def _linux_driver() -> type[Driver]:
    from textual.drivers.linux_driver import LinuxDriver

    class ConsoleDriver(LinuxDriver):
        """Textual's Linux driver, made for a counter reached over a console or SSH."""

        def __init__(self, app: App, *, debug: bool = False, mouse: bool = True,
                     size: tuple[int, int] | None = None) -> None:
            super().__init__(app, debug=debug, mouse=mouse and mouse_wanted(), size=size)
            self._file = _TerminalFile(self._file, self._terminal_gone)  # type: ignore[assignment]
            self._loop: asyncio.AbstractEventLoop | None = None
            self._ending = False

        # -------------------------------------------------------------- mouse: clicks only
        def _enable_mouse_support(self) -> None:
            if self._mouse:
                # 1000: button presses and releases, no motion (1003 reported every move);
                # 1006: SGR coordinates, the form Textual reads
                self.write("\x1b[?1000h\x1b[?1006h")
                self.flush()

        def _disable_mouse_support(self) -> None:
            if self._mouse:
                self.write("\x1b[?1000l\x1b[?1006l")
                self.flush()

        def _enable_mouse_pixels(self) -> None:
            pass  # pixel coordinates come with motion reporting; cells are enough for clicks

        # -------------------------------------------------------------- signals
        def start_application_mode(self) -> None:
            self._loop = asyncio.get_running_loop()
            super().start_application_mode()
            for signum in (signal.SIGTERM, signal.SIGHUP):
                self._loop.add_signal_handler(signum, self._end, signum)

        def stop_application_mode(self) -> None:
            if self._loop is not None:
                for signum in (signal.SIGTERM, signal.SIGHUP):
                    self._loop.remove_signal_handler(signum)
            super().stop_application_mode()

        def _end(self, signum: int) -> None:
            """On the event loop: leave as Ctrl+Q would, without a question nobody may be there to
            answer. An open sale stays open: it is offered at the next start."""
            if self._ending:
                return
            self._ending = True
            self._app.exit(return_code=128 + signum)
            watchdog = threading.Timer(EXIT_GRACE_S, self._leave_now, args=(128 + signum,))
            watchdog.daemon = True
            watchdog.start()

        def _terminal_gone(self) -> None:
            """From any thread: nobody can see or type any more; the app ends like on SIGHUP."""
            loop = self._loop
            if loop is not None and not self._ending:
                try:
                    loop.call_soon_threadsafe(self._end, signal.SIGHUP)
                except RuntimeError:  # the loop has already closed: the app is ending anyway
                    pass

        def _leave_now(self, code: int) -> None:
            """The app did not end within the grace period: restore the terminal and leave."""
            try:
                os.write(self.fileno, RESTORE.encode())  # the tty, if it is still there
            except OSError:
                pass
            os._exit(code)

        # -------------------------------------------------------------- input
        def run_input_thread(self) -> None:
            """Textual's loop with our parser; an end of input (EOF, EIO) ends the app.

            Textual's own loop ``break``s on an empty read and selects again: a closed input is
            always readable, so the thread span at 100 % of a core for ever (over ``ssh -T`` after
            the connection dropped)."""
            selector = selectors.SelectSelector()
            selector.register(self.fileno, selectors.EVENT_READ)
            parser = ConsoleParser(self._debug)
            decode = getincrementaldecoder("utf-8")(errors="replace").decode
            try:
                # keys read when the counter started (ui/early_keys.py), before any typed since;
                # never an empty feed: that is the parser's end of input
                if typed := early_keys.take_typed():
                    for event in parser.feed(decode(typed)):
                        self.process_message(event)
                while not self.exit_event.is_set():
                    for _key, mask in selector.select(0.1):
                        if not mask & selectors.EVENT_READ:
                            continue
                        try:
                            data = os.read(self.fileno, 4096)
                        except InterruptedError:
                            continue
                        except OSError:  # EIO: the terminal hung up
                            data = b""
                        if not data:
                            self._terminal_gone()
                            return
                        for event in parser.feed(decode(data)):
                            self.process_message(event)
                    for event in parser.tick():
                        self.process_message(event)
            finally:
                selector.close()
                try:
                    for _event in parser.feed(""):
                        pass
                except (EOFError, ParseError):
                    pass

    return ConsoleDriver


class ConsolePalette(CommandPalette):
    """Textual's command palette in French, with box characters the Linux console font has
    (Textual's ``hkey`` borders are ▔ and ▁, its search icon an emoji)."""

    DEFAULT_CSS = """
    ConsolePalette #--input {
        border: double ansi_bright_yellow;
        background: ansi_black;
    }
    ConsolePalette #--input.--list-visible {
        border-bottom: none;
    }
    ConsolePalette SearchIcon {
        display: none;
    }
    ConsolePalette CommandInput, ConsolePalette CommandInput:focus {
        border: none;
        height: 1;
        padding: 0 1;
    }
    ConsolePalette CommandList, ConsolePalette CommandList:focus, ConsolePalette CommandList.--populating {
        border: double ansi_bright_yellow;
        border-top: none;
        background: ansi_black;
    }
    ConsolePalette LoadingIndicator, ConsolePalette LoadingIndicator.--visible {
        display: none;
    }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", t("palette.placeholder"))
        super().__init__(*args, **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own adds an English "No matches found" line; the same, in French
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("palette.no_match"))), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class ConsoleApp(App[None]):
    """What every screen of the app shares with its terminal (see the module's docstring)."""

    BINDINGS = [
        # Textual's Ctrl+C tells, in English, how to quit; in an input it copies to a clipboard
        # (an OSC 52 sequence) instead: here it always says, in French, how to quit
        Binding("ctrl+c", "help_quit", show=False, priority=True, system=True),
    ]

    def get_driver_class(self) -> type[Driver]:
        if sys.platform == "win32":  # pragma: no cover - the counter runs on Linux
            return super().get_driver_class()
        return _linux_driver()

    def action_help_quit(self) -> None:
        self.notify(t("notice.quit"), title=t("notice.quit_title"), markup=False)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            focused = self.focused
            await super().on_event(event)
            await _settle(focused)
            return
        # a right-click on a table row: that row becomes the cursor and its actions menu opens (F7)
        # (the press and the click that follows the release are used up: no other handler moves the
        # cursor or chooses the row under the pointer)
        if (isinstance(event, (events.MouseDown, events.MouseUp, events.Click)) and event.button == 3
                and not event.is_forwarded):
            if type(event) is events.MouseUp:
                await self._row_menu_at(event.x, event.y)
            return
        await super().on_event(event)

    async def _row_menu_at(self, x: int, y: int) -> None:
        from textual.widgets import DataTable  # not at start-up: the home screen has no table

        try:
            widget, _ = self.screen.get_widget_at(x, y)
        except Exception:  # noqa: BLE001 - outside every widget, or no screen yet: nothing to open
            return
        if not isinstance(widget, DataTable):
            return
        action = next((binding.action for bindings in widget._bindings.key_to_bindings.values()
                       for binding in bindings if binding.action.endswith("row_actions")), None)
        row = self.screen.get_style_at(x, y).meta.get("row")
        if action is None or not isinstance(row, int) or not 0 <= row < widget.row_count:
            return  # the header, an empty line, a table without actions
        widget.move_cursor(row=row)
        self.screen.set_focus(widget)
        await widget.run_action(action)


KEY_SETTLE_S = 0.25  # at most this long per key: a handler waiting on the app itself cannot hang it


async def _settle(widget: Any) -> None:
    """Wait until ``widget`` and its ancestors up to the screen have handled what the last key made
    them do (an Enter posts "submitted", which bubbles up and moves the focus) before the next key
    is routed: keys typed ahead then go where the previous key sent the cashier, as typed slowly."""
    if widget is None:
        return
    chain = [widget, *[node for node in widget.ancestors if not isinstance(node, App)]]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + KEY_SETTLE_S
    for _round in range(8):
        done = [asyncio.Event() for _ in chain]
        posted = [node.call_later(flag.set) for node, flag in zip(chain, done, strict=True)]
        waits = [flag.wait() for flag, ok in zip(done, posted, strict=True) if ok]
        if not waits:
            return
        try:
            await asyncio.wait_for(asyncio.gather(*waits), max(deadline - loop.time(), 0.001))
        except TimeoutError:
            return
        if all(node._message_queue.empty() for node in chain):
            return

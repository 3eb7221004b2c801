"""Printers by URL, on python-escpos, with its known traps handled.

``serial:/dev/ttyUSB0?baudrate=19200`` (also ``parity=N|E|O``, ``bytesize``, ``stopbits``,
``rtscts=1``, ``xonxoff=1``, ``dsrdtr=0``), ``tcp:192.168.1.50:9100``, ``file:/path/out.bin``,
``usb:04b8:0e15``, ``preview`` (bytes appended to ``<data_dir>/spool/preview.bin``), ``terminal``
(the cashier's own terminal, by printer pass-through: see ``passthrough.py``).

Traps of python-escpos 3.1 and what is done about each:
- ``Serial`` opens pyserial without ``write_timeout``: a stalled printer blocks a write forever.
  ``write_timeout`` is set on every serial port right after opening, before any byte is written.
- ``Serial.close()`` calls ``flush()`` (tcdrain, no timeout): after a failure the output queue is
  discarded instead, then the port is closed; ``__del__`` is disarmed so it cannot block either.
- ``is_online()``/``paper_status()`` read 16 bytes (waiting the whole timeout) and call silence
  "online"/"paper adequate". ``status()`` here reads one byte, checks the reply's fixed bits, and
  calls silence ``unknown``, never OK.
- The library prints to stdout (and may warn/log to stderr): opening, status and closing run in
  ``quiet()``, so nothing reaches a Textual screen; what it said goes to this module's logger.
- ``write`` hands bytes to the OS; on a serial port the kernel may queue a whole carnet. After each
  document the queue is polled until empty (``out_waiting``), so "sent" means "on the wire" and a
  printer that stopped reading is detected by the same timeout.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import socket
import stat
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

from escpos.escpos import Escpos

from carnet_tui.settings import PrinterSettings
from carnet_tui.texts import t

log = logging.getLogger(__name__)

CHUNK = 256  # bytes per write call: the write timeout then means "no progress for that long"
STATUS_TIMEOUT_S = 0.3
DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_PAPER = b"\x10\x04\x04"
SPOOL_NAME = "preview.bin"
SPOOL_MAX_BYTES = 10_000_000
SCHEMES = ("serial", "tcp", "file", "usb", "preview", "terminal")


class DeviceError(Exception):
    """``kind``: timeout | unplugged | refused | not_found | no_paper | offline | url | driver |
    not_ours (a ``file:`` that exists and is not carnet-tui's) | spool (the preview folder is not
    writable; ``device`` is the folder) | passthrough (a document the terminal would cut short) |
    other."""

    def __init__(self, kind: str, device: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {device}: {detail}")
        self.kind = kind
        self.device = device
        self.detail = detail


@dataclass(frozen=True)
class PrinterUrl:
    scheme: str
    target: str = ""
    options: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.scheme}:{self.target}" if self.target else self.scheme


def parse_url(url: str) -> PrinterUrl:
    text = (url or "").strip()
    scheme, _, rest = text.partition(":")
    scheme = scheme.lower()
    if scheme not in SCHEMES:
        raise DeviceError("url", text)
    target, _, query = rest.partition("?")
    options = dict(parse_qsl(query))
    if scheme == "terminal" and target.lower() not in ("", "base64"):  # passthrough.ENCODINGS
        raise DeviceError("url", text)
    if scheme in ("preview", "terminal"):
        return PrinterUrl(scheme, target.lower() if scheme == "terminal" else target, options)
    if target.startswith("//"):  # tolerate serial:///dev/ttyS0 and tcp://host:port
        target = target[2:]
    if not target:
        raise DeviceError("url", text)
    if scheme == "tcp":
        host, _, port = target.rpartition(":")
        if not host:
            host, port = target, "9100"
        if not port.isdigit():
            raise DeviceError("url", text)
        target = f"{host}:{port}"
    if scheme == "usb":
        parts = target.split(":")
        try:
            if len(parts) != 2:
                raise ValueError
            int(parts[0], 16), int(parts[1], 16)
        except ValueError:
            raise DeviceError("url", text) from None
    return PrinterUrl(scheme, target, options)


# --- keeping python-escpos quiet ---------------------------------------------------------------

_quiet_lock = threading.RLock()


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Capture stdout, stderr and warnings while python-escpos runs (process-wide, hence the lock)."""
    with _quiet_lock:
        buffer = io.StringIO()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                    yield
            finally:
                said = buffer.getvalue().strip()
                if said:
                    log.info("python-escpos said: %s", said)
                for warning in caught:
                    log.info("python-escpos warned: %s", warning.message)


# --- devices -------------------------------------------------------------------------------------


class _AppendFile(Escpos):
    """python-escpos' ``File`` truncates; a spool (and a log of what was printed) must append.

    ``file:`` never damages a file carnet-tui did not create: it writes to a character device (a
    printer port), a FIFO, a file it creates itself (exclusively, then remembered in the spool
    folder's list), or a file in the spool folder. Any other existing file is refused, untouched.
    """

    def __init__(self, devfile: str, *args, spool: Path | None = None, **kwargs) -> None:
        Escpos.__init__(self, *args, **kwargs)
        self.devfile = devfile
        self.spool = spool
        self._device = False

    def open(self, raise_not_found: bool = True) -> None:
        fd = _open_output(self.devfile, self.spool) if self.spool is not None else None
        if fd is None:
            self.device = open(self.devfile, "ab")  # noqa: SIM115 (closed by close())
        else:
            self.device = os.fdopen(fd, "ab")

    def _raw(self, msg: bytes) -> None:
        self.device.write(msg)
        self.device.flush()

    def close(self) -> None:
        if self._device:
            self._device.close()
        self._device = False


CREATED_LIST = "created-files.txt"  # in the spool folder: "st_dev st_ino path" of each file made
_created_lock = threading.Lock()


def _open_output(path: str, spool: Path) -> int:
    """An fd open for appending to ``path``, or ``DeviceError("not_ours")`` before any byte."""
    # O_NONBLOCK: a FIFO with no reader fails at once (ENXIO) instead of hanging the print
    flags = os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        fd: int | None = os.open(path, flags)
    except FileNotFoundError:
        fd = None
    else:
        mode = os.fstat(fd).st_mode  # what was opened, not what the path said a moment before
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            return _blocking(fd)  # a printer port or a pipe: nothing there to damage
    with _created_list_locked(spool):  # two desks creating the same file: one creates, one appends
        if fd is None:
            try:
                fd = os.open(path, flags)  # made meanwhile by another desk?
            except FileNotFoundError:
                if not Path(path).parent.is_dir():
                    raise
                try:
                    fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644)  # never via a symlink
                except FileExistsError:
                    raise DeviceError("not_ours", path) from None
                _remember(spool, path, os.fstat(fd))
                return _blocking(fd)
        return _checked(fd, path, spool)


def _checked(fd: int, path: str, spool: Path) -> int:
    """A regular file is written only in the spool folder or if carnet-tui created it."""
    st = os.fstat(fd)
    if stat.S_ISREG(st.st_mode) and (_in_spool(path, spool) or _created_here(spool, path, st)):
        return _blocking(fd)
    os.close(fd)
    raise DeviceError("not_ours", path)


def _blocking(fd: int) -> int:
    import fcntl

    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    return fd


def _in_spool(path: str, spool: Path) -> bool:
    return Path(path).resolve().parent == spool.resolve()


def _created_here(spool: Path, path: str, st: os.stat_result) -> bool:
    wanted = f"{st.st_dev} {st.st_ino} {Path(path).resolve()}"
    try:
        with open(spool / CREATED_LIST, encoding="utf-8") as listed:
            return any(line.rstrip("\n") == wanted for line in listed)
    except OSError:
        return False


@contextlib.contextmanager
def _created_list_locked(spool: Path) -> Iterator[None]:
    import fcntl

    spool.mkdir(parents=True, exist_ok=True)
    with _created_lock, open(spool / CREATED_LIST, "a", encoding="utf-8") as listed:
        fcntl.flock(listed.fileno(), fcntl.LOCK_EX)  # other processes (desks) too
        yield


def _remember(spool: Path, path: str, st: os.stat_result) -> None:
    with open(spool / CREATED_LIST, "a", encoding="utf-8") as listed:
        listed.write(f"{st.st_dev} {st.st_ino} {Path(path).resolve()}\n")


def _classify(exc: BaseException, url: str) -> DeviceError:
    """A library or OS error as one of the kinds the cashier is told about."""
    if isinstance(exc, DeviceError):
        return exc
    if isinstance(exc, ValueError) and str(exc) == "closing sequence in the document":
        return DeviceError("passthrough", url)
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 5:
        chain.append(current)
        current = current.__cause__ or current.__context__
    detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    names = {type(e).__name__ for e in chain}
    if "SerialTimeoutException" in names or "USBTimeoutError" in names:
        return DeviceError("timeout", url, detail)
    for e in chain:
        if isinstance(e, ConnectionRefusedError):
            return DeviceError("refused", url, detail)
        if isinstance(e, socket.timeout | TimeoutError):
            return DeviceError("timeout", url, detail)
        if isinstance(e, BrokenPipeError | ConnectionResetError | ConnectionAbortedError):
            return DeviceError("unplugged", url, detail)
        if isinstance(e, FileNotFoundError):
            return DeviceError("not_found", url, detail)
        if isinstance(e, OSError) and e.errno in (errno.EIO, errno.ENODEV, errno.ENXIO, errno.EBADF):
            return DeviceError("unplugged", url, detail)
        if isinstance(e, OSError) and e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return DeviceError("not_found", url, detail)
    if "DeviceNotFoundError" in names or "USBNotFoundError" in names:
        return DeviceError("not_found", url, detail)
    if "SerialException" in names:
        # pyserial reports a vanished port as "write failed: [Errno 5]" or "returned no data"
        lowered = detail.lower()
        if "errno 5" in lowered or "no data" in lowered or "errno 19" in lowered:
            return DeviceError("unplugged", url, detail)
        return DeviceError("not_found", url, detail)
    if isinstance(exc, RuntimeError):
        return DeviceError("driver", url, detail)
    return DeviceError("other", url, detail)


def _status_byte(reply: bytes) -> int | None:
    """A DLE EOT reply has bit 1 and bit 4 set, bits 0 and 7 clear; anything else is no answer."""
    if len(reply) != 1 or reply[0] & 0x93 != 0x12:
        return None
    return reply[0]


class Device:
    """An open printer: ``write`` whole documents, ask ``status``, ``close``."""

    def __init__(self, url: PrinterUrl, printer: Escpos, write_timeout: float) -> None:
        self.url = url
        self.name = str(url)
        self.printer = printer
        self.write_timeout = write_timeout

    # writing
    def write(self, data: bytes) -> None:
        """Send a document; returns once it left (serial/tcp: the OS queue drained), else raises."""
        try:
            # no quiet() here: _raw only writes (it never prints), and a slow line must not hold
            # the process-wide stdout redirection for seconds
            for start in range(0, len(data), CHUNK):
                self.printer._raw(data[start : start + CHUNK])
            if self.url.scheme == "terminal":  # the whole document at once, between two frames
                self.printer.send()
            self._drain()
        except Exception as exc:  # noqa: BLE001 (every failure becomes a DeviceError)
            raise _classify(exc, self.name) from exc

    def _drain(self) -> None:
        """Wait for the OS output queue to empty, failing if it stops moving for write_timeout."""
        queued = self._queued
        left = queued()
        if left is None:
            return
        deadline = time.monotonic() + self.write_timeout
        while left:
            time.sleep(0.01)
            now_left = queued()
            if now_left is None:
                return
            if now_left < left:
                deadline = time.monotonic() + self.write_timeout
            elif time.monotonic() > deadline:
                raise DeviceError("timeout", self.name, f"{now_left} bytes stuck in the output queue")
            left = now_left

    def _queued(self) -> int | None:
        port = self.printer._device
        try:
            if self.url.scheme == "serial":
                return int(port.out_waiting)
            if self.url.scheme == "tcp":
                import fcntl
                import struct
                import termios

                raw = fcntl.ioctl(port.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")  # SIOCOUTQ
                return struct.unpack("i", raw)[0]
        except (OSError, AttributeError, ImportError, ValueError):
            return None
        return None

    # status
    def status(self) -> str:
        """``ok``, ``paper_low``, ``no_paper``, ``offline``, or ``unknown`` (no answer is not OK)."""
        if self.url.scheme not in ("serial", "tcp"):
            return "unknown"
        try:
            with quiet():
                printer = self._ask(DLE_EOT_PRINTER)
                if printer is None:
                    return "unknown"
                if printer & 0x08:
                    return "offline"
                paper = self._ask(DLE_EOT_PAPER)
        except Exception as exc:  # noqa: BLE001
            raise _classify(exc, self.name) from exc
        if paper is None:
            return "unknown"
        if paper & 0x60:
            return "no_paper"
        if paper & 0x0C:
            return "paper_low"
        return "ok"

    def _ask(self, command: bytes) -> int | None:
        port = self.printer._device
        if self.url.scheme == "serial":
            port.reset_input_buffer()
            port.write(command)
            saved = port.timeout
            port.timeout = STATUS_TIMEOUT_S
            try:
                return _status_byte(port.read(1))
            finally:
                port.timeout = saved
        port.sendall(command)
        port.settimeout(STATUS_TIMEOUT_S)
        try:
            return _status_byte(port.recv(1))
        except TimeoutError:
            return None
        finally:
            port.settimeout(self.write_timeout)

    # closing
    def close(self, discard: bool = False) -> None:
        """Close without ever blocking: after a failure, pending output is thrown away first."""
        port = self.printer._device
        self.printer._device = False  # disarm python-escpos' close()/__del__ (flush without timeout)
        if not port:
            return
        with quiet():
            try:
                if self.url.scheme == "serial":
                    if discard:
                        port.reset_output_buffer()
                    port.close()
                elif self.url.scheme == "tcp":
                    with contextlib.suppress(OSError):
                        port.shutdown(socket.SHUT_RDWR)
                    port.close()
                elif self.url.scheme == "usb":
                    import usb.util  # type: ignore[import-not-found]

                    usb.util.dispose_resources(port)
                else:
                    port.close()
            except Exception as exc:  # noqa: BLE001 (closing a dead port must not mask the real error)
                log.info("closing %s: %s", self.name, exc)

    def __enter__(self) -> Device:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.close(discard=value is not None)


def spool_path(data_dir: Path) -> Path:
    return Path(data_dir) / "spool" / SPOOL_NAME


def _flag(options: dict[str, str], name: str, default: bool) -> bool:
    value = options.get(name)
    return default if value is None else value.lower() in ("1", "true", "yes", "on")


def _build(url: PrinterUrl, settings: PrinterSettings, data_dir: Path) -> Escpos:
    timeout = float(settings.write_timeout_s)
    o = url.options
    if url.scheme == "serial":
        from escpos.printer import Serial

        return Serial(
            devfile=url.target,
            baudrate=int(o.get("baudrate", 9600)),
            bytesize=int(o.get("bytesize", 8)),
            parity=o.get("parity", "N").upper(),
            stopbits=int(o.get("stopbits", 1)),
            timeout=STATUS_TIMEOUT_S,
            xonxoff=_flag(o, "xonxoff", False),
            dsrdtr=_flag(o, "dsrdtr", True),
        )
    if url.scheme == "tcp":
        from escpos.printer import Network

        host, _, port = url.target.rpartition(":")
        return Network(host=host, port=int(port), timeout=timeout)
    if url.scheme == "usb":
        from escpos.printer import Usb
        from escpos.printer.usb import is_usable

        if not is_usable():  # checked first: a Usb object without pyusb raises even in __del__
            raise DeviceError("driver", str(url), t("print.err.usb_pyusb"))
        import usb.core

        try:
            usb.core.find(find_all=True)
        except usb.core.NoBackendError as exc:  # pyusb is there, the system's libusb is not
            raise DeviceError("driver", str(url), t("print.err.usb_libusb")) from exc
        vendor, product = (int(part, 16) for part in url.target.split(":"))
        return Usb(vendor, product, timeout=int(timeout * 1000))
    if url.scheme == "file":
        return _AppendFile(url.target, spool=spool_path(data_dir).parent)
    if url.scheme == "terminal":
        from carnet_tui.printing.terminal_printer import TerminalPrinter

        return TerminalPrinter(encoding=url.target)
    path = spool_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(path.parent, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        if path.exists() and path.stat().st_size > SPOOL_MAX_BYTES:  # keep one previous spool, no more
            path.replace(path.with_suffix(".bin.1"))
    except OSError as exc:  # no writable home (a service account): say which folder, not "introuvable"
        raise DeviceError("spool", str(path.parent), exc.strerror or str(exc)) from exc
    return _AppendFile(str(path))


def open_device(settings: PrinterSettings, data_dir: Path, url: str | None = None) -> Device:
    """Open the printer named by ``url`` (default: the settings'); raises ``DeviceError``."""
    parsed = parse_url(url or settings.url)
    name = str(parsed)
    try:
        with quiet():
            printer = _build(parsed, settings, data_dir)
            printer.open()
            if parsed.scheme == "serial":
                # the trap: python-escpos opens pyserial with no write timeout at all
                printer._device.write_timeout = float(settings.write_timeout_s)
                if _flag(parsed.options, "rtscts", False):  # hardware flow control (RTS/CTS)
                    printer._device.rtscts = True
    except Exception as exc:  # noqa: BLE001
        raise _classify(exc, name) from exc
    device = Device(parsed, printer, float(settings.write_timeout_s))
    if not device.printer._device:
        raise DeviceError("not_found", name)
    return device

"""A real xterm on a private X server (Xvfb), keys typed through the X server (xdotool, XTEST).

xterm runs the program itself (``-e``): the bytes go program → pty → xterm, as on a cashier's
machine (ssh only adds a link in between). What xterm hands its printer (printer controller mode,
``CSI 5 i`` … ``CSI 4 i``) goes to ``printerCommand``. xterm's own log (``-l -lf``) holds every byte
it read from the pty: the test waits on it as the pty tests wait on their reader (distinctive words
only). Nothing is simulated: Xvfb, xterm and xdotool are the Debian programs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

XVFB = shutil.which("Xvfb")
XTERM = shutil.which("xterm")
XDOTOOL = shutil.which("xdotool")


def available() -> str | None:
    """None when xterm can be run here, else why not (for a skip)."""
    missing = [name for name, path in (("xterm", XTERM), ("xvfb", XVFB), ("xdotool", XDOTOOL)) if not path]
    if missing:
        return f"{', '.join(missing)} needed (Debian packages; .ci/run installs them)"
    return None


class Xterm:
    """Xvfb, then one xterm running ``argv``; ``resources`` are ``-xrm`` lines (``XTerm*name: value``)."""

    def __init__(self, folder: Path, argv: list[str], env: dict[str, str], resources: list[str],
                 utf8: bool = True) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "xterm.log"
        self.xvfb: subprocess.Popen[bytes] | None = None
        self.xterm: subprocess.Popen[bytes] | None = None
        self._errors = None
        read_end, write_end = os.pipe()
        self.xvfb = subprocess.Popen([str(XVFB), "-displayfd", str(write_end), "-screen", "0", "800x600x24",
                                      "-nolisten", "tcp", "-noreset"], pass_fds=(write_end,),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            number = pipe.readline().strip().decode()  # Xvfb writes its display once it listens
        if not number:
            self.stop()
            raise RuntimeError("Xvfb did not start")
        locale = "C.UTF-8" if utf8 else "C"
        self.env = {**env, "DISPLAY": f":{number}", "LANG": locale, "LC_ALL": locale}
        self.env.pop("XAUTHORITY", None)
        command = [str(XTERM), "-geometry", "80x24", "-l", "-lf", str(self.log), "-u8" if utf8 else "+u8"]
        for line in resources:
            command += ["-xrm", line]
        self._errors = open(folder / "xterm.err", "wb")  # noqa: SIM115 - closed by stop()
        self.xterm = subprocess.Popen([*command, "-e", *argv], env=self.env, cwd=folder,
                                      stdout=subprocess.DEVNULL, stderr=self._errors)
        found = self._xdotool("search", "--sync", "--onlyvisible", "--pid", str(self.xterm.pid))
        self.window = found.split()[0]
        self._xdotool("windowfocus", "--sync", self.window)

    def _xdotool(self, *args: str) -> str:
        done = subprocess.run([str(XDOTOOL), *args], env=self.env, capture_output=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"xdotool {args}: {done.stderr.decode(errors='replace')}")
        return done.stdout.decode()

    def type(self, text: str) -> None:
        """Characters, as typed on the keyboard."""
        self._xdotool("type", "--delay", "40", text)

    def key(self, *keys: str) -> None:
        """Keys by X name: ``Return``, ``Tab``, ``F4``, ``alt+a``."""
        self._xdotool("key", "--delay", "40", *keys)

    def bytes(self) -> bytes:
        """All the xterm read from the program so far (its log)."""
        try:
            return self.log.read_bytes()
        except FileNotFoundError:
            return b""

    def mark(self) -> int:
        return len(self.bytes())

    def wait_for(self, predicate: Callable[[], bool], limit: float = 60.0, what: str = "") -> None:
        """Poll ``predicate``; ``limit`` is a hang guard, not a speed assertion."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if predicate():
                return
            if self.xterm is not None and self.xterm.poll() is not None:
                raise AssertionError(f"xterm ended before {what}: {self.bytes()[-800:]!r}")
            time.sleep(0.05)
        raise AssertionError(f"never got {what}: {self.bytes()[-800:]!r}")

    def wait_for_text(self, text: bytes, after: int = 0, limit: float = 60.0) -> None:
        self.wait_for(lambda: text in self.bytes()[after:], limit, repr(text))

    def settled(self, quiet: float = 0.5, limit: float = 30.0) -> None:
        """Nothing drawn for ``quiet`` seconds: the screen is ready for the next key."""
        end = time.monotonic() + limit
        seen, since = self.mark(), time.monotonic()
        while time.monotonic() < end:
            time.sleep(0.05)
            now = self.mark()
            if now != seen:
                seen, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return
        raise AssertionError("the screen never settled")

    def stop(self) -> None:
        """Teardown: xterm (which hangs up its program), then the X server. Only our own processes."""
        for process in (self.xterm, self.xvfb):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
        if self._errors is not None:
            self._errors.close()

    def __enter__(self) -> Xterm:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

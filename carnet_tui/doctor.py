"""``carnet-tui doctor``: a deployment checked from the account that will run the counter.

Each check says in French what is right or wrong and, when wrong, the command that fixes it.
Nothing is written to the store and nothing is printed on the printer: folders are tested with
``os.access`` (plus a probe file where a file would be created), the printer by opening a socket
or looking at the device file. Exit 0 when all is well, 1 when something is wrong.
"""

from __future__ import annotations

import argparse
import codecs
import importlib.util
import locale
import os
import socket
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from carnet_tui.domain.errors import DomainError
from carnet_tui.settings import Settings
from carnet_tui.store import location as store_location
from carnet_tui.texts import t

MIN_COLUMNS, MIN_LINES = 80, 24
TCP_TIMEOUT_S = 2.0


@dataclass
class Finding:
    ok: bool
    message: str
    fix: str = ""
    unchecked: bool = False  # not a fault: could not be checked from here (no terminal…)


def _writable_folder(folder: Path) -> str | None:
    """None when a file can be created in ``folder`` (or in the nearest existing parent), else why."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            return t("doctor.why.missing")
        probe = probe.parent
    if not probe.is_dir():
        return t("doctor.why.not_folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        return t("doctor.why.denied")
    if probe == folder:
        try:  # the permission bits say yes; a read-only mount or a full disk may still say no
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".carnet-doctor-"):
                pass
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def check_settings(args: argparse.Namespace, load: Callable[[argparse.Namespace], Settings]) -> tuple[
    Finding, Settings | None
]:
    try:
        settings = load(args)
    except DomainError as exc:
        return Finding(False, exc.message, t("doctor.fix.settings")), None
    return Finding(True, t("doctor.ok.settings")), settings


def check_database(settings: Settings) -> list[Finding]:
    location = settings.db or ""
    path = store_location.sqlite_path(location)
    if path is None:
        return [Finding(True, t("doctor.server", location=location), unchecked=True)]
    file = Path(path).expanduser()
    folder = file.resolve().parent
    found: list[Finding] = []
    why = _writable_folder(folder) if folder.is_dir() else t("doctor.why.missing")
    if why:
        found.append(Finding(False, t("doctor.db.folder", folder=folder, why=why),
                             t("doctor.fix.folder", folder=folder)))
    else:
        found.append(Finding(True, t("doctor.ok.db_folder", folder=folder)))
    if not file.exists() and location == str(store_location.default_db_path()) and not why:
        found.append(Finding(True, t("doctor.db.first_run", path=path), unchecked=True))
        return found
    if not file.exists():
        found.append(Finding(False, t("err.db.not_found", path=path), t("doctor.fix.init", db=path)))
        return found
    if not os.access(file, os.R_OK | os.W_OK):
        found.append(Finding(False, t("err.db.readonly", path=path), t("doctor.fix.file", file=file)))
        return found
    try:
        with sqlite3.connect(f"file:{file.resolve()}?mode=ro", uri=True) as conn:
            tables = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'setting'").fetchone()
            row = tables and conn.execute("SELECT value FROM setting WHERE key = 'schema_version'").fetchone()
    except sqlite3.DatabaseError as exc:
        found.append(Finding(False, t("err.db.open", location=path, detail=str(exc)),
                             t("doctor.fix.init", db=path)))
        return found
    version = int(row[0]) if row else 0
    if version == store_location.SCHEMA_VERSION:
        found.append(Finding(True, t("doctor.ok.schema", path=path, version=version)))
    elif version > store_location.SCHEMA_VERSION:
        found.append(Finding(False, t("err.db.newer", found=version, supported=store_location.SCHEMA_VERSION),
                             t("doctor.fix.upgrade")))
    else:
        found.append(Finding(False, t("doctor.db.old", path=path, found=version,
                                      version=store_location.SCHEMA_VERSION), t("doctor.fix.init", db=path)))
    return found


def check_data_dir(settings: Settings) -> list[Finding]:
    found = []
    for label, folder in (("data", settings.data_dir), ("spool", settings.data_dir / "spool")):
        why = _writable_folder(Path(folder))
        if why:
            found.append(Finding(False, t(f"doctor.{label}", folder=folder, why=why),
                                 t("doctor.fix.data_dir")))
        else:
            found.append(Finding(True, t(f"doctor.ok.{label}", folder=folder)))
    return found


def check_printer(settings: Settings) -> Finding:
    from carnet_tui.printing.devices import DeviceError, parse_url

    try:
        url = parse_url(settings.printer.url)
    except DeviceError:
        return Finding(False, t("print.err.url", url=settings.printer.url), t("doctor.fix.printer"))
    name = str(url)
    if url.scheme == "preview":
        why = _writable_folder(settings.data_dir / "spool")
        if why:
            return Finding(False, t("doctor.printer.spool", folder=settings.data_dir / "spool", why=why),
                           t("doctor.fix.data_dir"))
        return Finding(True, t("doctor.ok.preview", folder=settings.data_dir / "spool"))
    if url.scheme == "tcp":
        host, _, port = url.target.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=TCP_TIMEOUT_S):
                pass  # connected, nothing sent: no paper used
        except OSError as exc:
            return Finding(False, t("doctor.printer.tcp", device=name, why=exc.strerror or str(exc)),
                           t("doctor.fix.printer"))
        return Finding(True, t("doctor.ok.printer", device=name))
    if url.scheme in ("serial", "file"):
        target = Path(url.target)
        if target.exists():
            if not os.access(target, os.W_OK):
                return Finding(False, t("doctor.printer.denied", device=name),
                               t("doctor.fix.printer_group", device=target))
            return Finding(True, t("doctor.ok.printer", device=name))
        if url.scheme == "serial":
            return Finding(False, t("print.err.not_found", device=name), t("doctor.fix.printer"))
        why = _writable_folder(target.parent)
        if why:
            return Finding(False, t("doctor.printer.file", device=name, why=why),
                           t("doctor.fix.folder", folder=target.parent))
        return Finding(True, t("doctor.ok.printer", device=name))
    if url.scheme == "terminal":
        if not sys.stdout.isatty():
            return Finding(True, t("doctor.printer.terminal_unchecked"), unchecked=True)
        return Finding(True, t("doctor.ok.terminal_printer"))
    return Finding(True, t("doctor.printer.unchecked", device=name), unchecked=True)


def stale_modules(package: Path) -> list[Path]:
    """The sources of ``package`` whose compiled form (``__pycache__``) is missing or out of date,
    judged as the import system judges it: the source's mtime and size in the .pyc header."""
    stale = []
    for source in sorted(package.rglob("*.py")):
        cached = Path(importlib.util.cache_from_source(str(source)))
        try:
            header = cached.read_bytes()[:16]
            stat = source.stat()
        except OSError:
            stale.append(source)
            continue
        if header[:4] != importlib.util.MAGIC_NUMBER or len(header) < 16:
            stale.append(source)
        elif int.from_bytes(header[4:8], "little") == 0 and (  # 0: checked by mtime (not a hash)
            int.from_bytes(header[8:12], "little") != int(stat.st_mtime) & 0xFFFFFFFF
            or int.from_bytes(header[12:16], "little") != stat.st_size & 0xFFFFFFFF
        ):
            stale.append(source)
    return stale


def check_compiled(package: Path | None = None) -> Finding:
    """An install this account cannot compile (a root-owned source, as docs/DEPLOY.md makes it) is
    compiled again from source at every start: 0.1–0.2 s more at each login, on the bench machine."""
    package = package or Path(__file__).resolve().parent
    stale = stale_modules(package)
    if not stale:
        return Finding(True, t("doctor.ok.compiled", count=sum(1 for _ in package.rglob("*.py"))))
    closed = [s for s in stale if _writable_folder(s.parent / "__pycache__") is not None]
    if not closed:
        return Finding(True, t("doctor.compiled.first_run", count=len(stale)), unchecked=True)
    return Finding(False, t("doctor.compiled.stale", count=len(closed), folder=package),
                   t("doctor.fix.compile", python=sys.executable, folder=package))


def _utf8(name: str) -> bool:
    try:
        return codecs.lookup(name).name == "utf-8"
    except LookupError:
        return False


def check_terminal() -> list[Finding]:
    if not sys.stdout.isatty():
        return [Finding(True, t("doctor.term.none"), unchecked=True)]
    found = []
    codeset = locale.nl_langinfo(locale.CODESET) if hasattr(locale, "nl_langinfo") else ""
    if _utf8(codeset or "ascii"):
        found.append(Finding(True, t("doctor.ok.utf8", codeset=codeset)))
    else:
        found.append(Finding(False, t("doctor.term.utf8", codeset=codeset or "?"), t("doctor.fix.utf8")))
    size = os.get_terminal_size(sys.stdout.fileno())
    if size.columns < MIN_COLUMNS or size.lines < MIN_LINES:
        found.append(Finding(False, t("doctor.term.size", columns=size.columns, lines=size.lines),
                             t("doctor.fix.size")))
    else:
        found.append(Finding(True, t("doctor.ok.size", columns=size.columns, lines=size.lines,
                                     term=os.environ.get("TERM", "?"))))
    return found


def run(args: argparse.Namespace, load: Callable[[argparse.Namespace], Settings]) -> int:
    locale.setlocale(locale.LC_CTYPE, "")  # the account's own locale, as the terminal sees it
    findings: list[Finding] = []
    first, settings = check_settings(args, load)
    findings.append(first)
    if settings is not None:
        findings += check_database(settings)
        findings += check_data_dir(settings)
        findings.append(check_printer(settings))
    findings.append(check_compiled())
    findings += check_terminal()
    for finding in findings:
        mark = t("doctor.mark.ok") if finding.ok and not finding.unchecked else (
            t("doctor.mark.info") if finding.ok else t("doctor.mark.bad"))
        print(f"{mark} {finding.message}")
        if finding.fix:
            print(f"       → {finding.fix}")
    bad = sum(not f.ok for f in findings)
    print(t("doctor.summary.bad", count=bad) if bad else t("doctor.summary.ok"))
    return 1 if bad else 0

"""Venue and printer settings: a TOML file, then the command line on top.

File: ``--config`` or ``CARNET_CONFIG``, else ``carnet-tui.toml`` in the user's config folder.
Sections ``[venue]``, ``[printer]`` and ``[counter]``; every key is optional (see README, "Settings").
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from carnet_tui.domain.errors import DomainError
from carnet_tui.texts import t


@dataclass(frozen=True)
class VenueSettings:
    name: str = "Complexe Sportif Al Amal"
    address: str = "Avenue Hassan II, Casablanca"
    # the venue's legal IDs: empty until the manager fills them; an invoice is refused meanwhile
    ice: str = ""
    if_number: str = ""
    rc: str = ""
    patente: str = ""
    vat_rate_percent: float = 20.0

    def missing_legal_ids(self) -> list[str]:
        """The keys an invoice still needs: empty, or a placeholder of zeros ("000000000000000")."""
        return [key for key in LEGAL_KEYS if not str(getattr(self, key) or "").strip("0 ")]


LEGAL_KEYS = ("name", "address", "ice", "if_number", "rc", "patente")


@dataclass(frozen=True)
class PrinterSettings:
    url: str = "preview"  # serial:/dev/ttyUSB0?baudrate=19200, tcp:host:9100, file:/p, usb:v:p, preview,
    # terminal (the cashier's own terminal, by printer pass-through)
    profile: str = "TM-T88III"  # python-escpos capability profile
    columns: int = 42  # 32, 42 or 48
    codepage: str = "CP858"
    cut: str = "partial"  # partial | full | none
    write_timeout_s: float = 5.0


@dataclass(frozen=True)
class CounterSettings:
    desk: str = "Caisse 1"  # the till sessions, Z numbers and journal rows are per desk
    idle_lock_minutes: float = 5.0  # the screen locks after this long without a key


@dataclass(frozen=True)
class DoorSettings:
    untagged_until: str = ""  # ISO date: old billets (QR without a signature) enter through it; "" never


@dataclass(frozen=True)
class Settings:
    db: str | None = None
    venue: VenueSettings = field(default_factory=VenueSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    counter: CounterSettings = field(default_factory=CounterSettings)
    door: DoorSettings = field(default_factory=DoorSettings)
    data_dir: Path = field(default_factory=lambda: default_data_dir())


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("CARNET_DATA_DIR") or user_data_dir("carnet-tui", appauthor=False))


def default_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("carnet-tui", appauthor=False)) / "carnet-tui.toml"


# --- reading the file, checked key by key -------------------------------------------------------

COLUMNS = (32, 42, 48)
CUTS = ("partial", "full", "none")
PRINTER_SCHEMES = ("serial", "tcp", "file", "usb", "preview", "terminal")  # printing.devices.SCHEMES
WRITE_TIMEOUT_MAX_S = 600.0
DESK_MAX = 40  # TillSession.desk, Sale.desk, JournalEntry.desk
IDLE_LOCK_MAX_MINUTES = 480.0  # a working day: longer is no lock at all
SECTIONS = {"venue": VenueSettings, "printer": PrinterSettings, "counter": CounterSettings,
            "door": DoorSettings}
TOP_KEYS = ("db", "venue", "printer", "counter", "door")


def _shown(value: object) -> str:
    """A value as the manager typed it, short and harmless on a terminal."""
    from carnet_tui.domain.text import clean_text, fit_cells

    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = f"« {value} »"
    elif isinstance(value, dict):
        text = t("config.got.table")
    else:
        text = str(value)
    return fit_cells(clean_text(text), 40)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _check_value(section: str, key: str, value: object) -> tuple[object, str | None]:
    """The value to keep, or the key of what was expected."""
    from carnet_tui.domain.text import clean_text

    if section == "venue":
        if key == "vat_rate_percent":
            number = _number(value)
            return (number, None) if number is not None and 0 <= number <= 100 else (value, "percent")
        if key in ("ice", "if_number", "rc", "patente") and isinstance(value, int) and not isinstance(
            value, bool
        ):
            value = str(value)  # typed without quotes: the number is still the ID
        if not isinstance(value, str):
            return value, "id" if key != "name" and key != "address" else "text"
        return clean_text(value), None
    if section == "counter":
        if key == "idle_lock_minutes":
            number = _number(value)
            ok = number is not None and 0 < number <= IDLE_LOCK_MAX_MINUTES
            return (number, None) if ok else (value, "idle")
        desk = check_desk(value)
        return (desk, None) if desk is not None else (value, "desk")
    if section == "door":  # untagged_until: a day (TOML date or "AAAA-MM-JJ"), or "" for never
        from datetime import date

        text = value.isoformat() if isinstance(value, date) else value
        if isinstance(text, str):
            try:
                return (date.fromisoformat(text.strip()).isoformat() if text.strip() else ""), None
            except ValueError:
                pass
        return value, "day"
    # printer
    if key == "columns":
        ok = isinstance(value, int) and not isinstance(value, bool) and value in COLUMNS
        return value, None if ok else "columns"
    if key == "write_timeout_s":
        number = _number(value)
        ok = number is not None and 0 < number <= WRITE_TIMEOUT_MAX_S
        return (number, None) if ok else (value, "timeout")
    if key == "cut":
        ok = isinstance(value, str) and value.strip().lower() in CUTS
        return (value.strip().lower(), None) if ok else (value, "cut")  # type: ignore[union-attr]
    if not isinstance(value, str) or not value.strip():
        return value, "text"
    if key == "url" and printer_url_problem(value):
        return value, "url"
    return value.strip(), None


def check_desk(value: object) -> str | None:
    """The desk's name as kept (cleaned, trimmed), or None when it is not a usable name."""
    from carnet_tui.domain.text import clean_text

    if not isinstance(value, str):
        return None
    name = clean_text(value).strip()
    return name if name and len(name) <= DESK_MAX else None


def printer_url_problem(url: str) -> bool:
    """A printer address whose kind is unknown (the device layer checks the rest when it opens)."""
    scheme = url.strip().partition(":")[0].lower()
    return scheme not in PRINTER_SCHEMES


def _section(cls: type, name: str, raw: object, problems: list[str]) -> object:
    if not isinstance(raw, dict):
        expected = t("config.expect.table")
        problems.append(t("err.config.key", setting=name, expected=expected, got=_shown(raw)))
        return cls()
    known = [f.name for f in fields(cls)]
    values = {}
    for key, value in raw.items():
        where = f"[{name}] {key}"
        if key not in known:
            problems.append(t("err.config.unknown", setting=where, known=", ".join(known)))
            continue
        checked, expected = _check_value(name, key, value)
        if expected:
            problems.append(t("err.config.key", setting=where, expected=t(f"config.expect.{expected}"),
                              got=_shown(value)))
            continue
        values[key] = checked
    return cls(**values)


def _read(path: Path) -> dict:
    """The file's TOML (a UTF-8 byte order mark, as Windows' Notepad writes, is accepted)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DomainError("err.config.invalid", path=str(path),
                          detail=t("config.unreadable", detail=exc.strerror or str(exc))) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError("err.config.invalid", path=str(path), detail=t("config.encoding")) from exc
    import tomllib  # only when there is a file to read: not at each counter's start

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        detail = (t("config.syntax_at", line=found[1], column=found[2]) if found else t("config.syntax"))
        raise DomainError("err.config.invalid", path=str(path), detail=detail) from exc


def load(config: str | None = None, db: str | None = None, printer_url: str | None = None,
         desk: str | None = None) -> Settings:
    """The settings file checked key by key; every problem is named at once (``DomainError``).

    The desk: ``desk`` (``--desk``), else ``CARNET_DESK``, else ``[counter] desk``."""
    path = Path(config or os.environ.get("CARNET_CONFIG") or default_config_path())
    raw: dict = _read(path) if path.exists() else {}
    problems: list[str] = []
    for key in raw:
        if key not in TOP_KEYS:
            problems.append(t("err.config.unknown", setting=key, known=", ".join(TOP_KEYS)))
    file_db = raw.get("db")
    if file_db is not None and (not isinstance(file_db, str) or not file_db.strip()):
        expected = t("config.expect.db")
        problems.append(t("err.config.key", setting="db", expected=expected, got=_shown(file_db)))
        file_db = None
    venue = _section(VenueSettings, "venue", raw.get("venue", {}), problems)
    printer = _section(PrinterSettings, "printer", raw.get("printer", {}), problems)
    counter = _section(CounterSettings, "counter", raw.get("counter", {}), problems)
    door = _section(DoorSettings, "door", raw.get("door", {}), problems)
    if problems:
        raise DomainError("err.config.invalid", path=str(path), detail="\n".join(problems))
    settings = Settings(
        db=db or file_db,
        venue=venue,  # type: ignore[arg-type]
        printer=printer,  # type: ignore[arg-type]
        counter=counter,  # type: ignore[arg-type]
        door=door,  # type: ignore[arg-type]
    )
    for source, name in (("--desk", desk), ("CARNET_DESK", os.environ.get("CARNET_DESK"))):
        if name is not None and (name or source == "--desk"):  # an empty CARNET_DESK is unset
            checked = check_desk(name)
            if checked is None:
                raise DomainError("err.config.desk", source=source, desk=_shown(name), max=DESK_MAX)
            settings = replace(settings, counter=replace(settings.counter, desk=checked))
            break
    for source, url in (("--printer", printer_url), ("CARNET_PRINTER", os.environ.get("CARNET_PRINTER"))):
        if url:
            if printer_url_problem(url):
                raise DomainError("err.config.printer", source=source, url=_shown(url))
            return replace(settings, printer=replace(settings.printer, url=url.strip()))
    return settings

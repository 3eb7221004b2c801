"""Venue and printer settings: a TOML file, then the command line on top.

File: ``--config`` or ``CARNET_CONFIG``, else ``carnet-tui.toml`` in the user's config folder.
Sections ``[venue]`` and ``[printer]``; every key is optional (see README, "Settings").
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


@dataclass(frozen=True)
class VenueSettings:
    name: str = "Complexe Sportif Al Amal"
    address: str = "Avenue Hassan II, Casablanca"
    ice: str = "000000000000000"
    if_number: str = "00000000"
    rc: str = "000000"
    patente: str = "00000000"
    vat_rate_percent: float = 20.0


@dataclass(frozen=True)
class PrinterSettings:
    url: str = "preview"  # serial:/dev/ttyUSB0?baudrate=19200, tcp:host:9100, file:/p, usb:v:p, preview
    profile: str = "TM-T88III"  # python-escpos capability profile
    columns: int = 42  # 32, 42 or 48
    codepage: str = "CP858"
    cut: str = "partial"  # partial | full | none
    write_timeout_s: float = 5.0


@dataclass(frozen=True)
class Settings:
    db: str | None = None
    venue: VenueSettings = field(default_factory=VenueSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    data_dir: Path = field(default_factory=lambda: default_data_dir())


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(os.environ.get("CARNET_DATA_DIR") or user_data_dir("carnet-tui", appauthor=False))


def default_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("carnet-tui", appauthor=False)) / "carnet-tui.toml"


def _section(cls: type, raw: dict) -> object:
    known = {f.name: f.type for f in fields(cls)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise ValueError(f"unknown setting {cls.__name__}.{key}")
        values[key] = value
    return cls(**values)


def load(config: str | None = None, db: str | None = None, printer_url: str | None = None) -> Settings:
    path = Path(config or os.environ.get("CARNET_CONFIG") or default_config_path())
    raw: dict = {}
    if path.exists():
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    settings = Settings(
        db=db or raw.get("db"),
        venue=_section(VenueSettings, raw.get("venue", {})),  # type: ignore[arg-type]
        printer=_section(PrinterSettings, raw.get("printer", {})),  # type: ignore[arg-type]
    )
    url = printer_url or os.environ.get("CARNET_PRINTER")
    if url:
        settings = replace(settings, printer=replace(settings.printer, url=url))
    return settings

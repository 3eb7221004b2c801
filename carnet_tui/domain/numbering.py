"""Carnet and billet numbers, as in the manual: ``20191220-815``, ``815A`` … ``815Z``, ``815AA``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_CARNET = re.compile(r"^(\d{8})-(\d+)([A-Z]*)$")
_BILLET = re.compile(r"^(\d{8}-\d+[A-Z]*)-(\d{3,})$")


def suffix(index: int) -> str:
    """0 → ``""``, 1 → ``A`` … 26 → ``Z``, 27 → ``AA``: bijective base 26 after the first carnet."""
    if index < 0:
        raise ValueError("carnet index must be >= 0")
    letters = []
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters.append(chr(ord("A") + rest))
    return "".join(reversed(letters))


def suffix_index(text: str) -> int:
    index = 0
    for char in text:
        index = index * 26 + (ord(char) - ord("A") + 1)
    return index


def carnet_number(sale_date: date, sale_number: int, index: int) -> str:
    return f"{sale_date:%Y%m%d}-{sale_number}{suffix(index)}"


def billet_number(carnet: str, seq: int, count: int) -> str:
    width = max(3, len(str(count)))
    return f"{carnet}-{seq:0{width}d}"


@dataclass(frozen=True)
class CarnetNumber:
    sale_date: date
    sale_number: int
    index: int


def parse_carnet_number(text: str) -> CarnetNumber:
    match = _CARNET.match(text)
    if not match:
        raise ValueError(f"not a carnet number: {text!r}")
    day, sale, letters = match.groups()
    return CarnetNumber(
        date(int(day[:4]), int(day[4:6]), int(day[6:])), int(sale), suffix_index(letters)
    )


def parse_billet_number(text: str) -> tuple[str, int]:
    match = _BILLET.match(text)
    if not match:
        raise ValueError(f"not a billet number: {text!r}")
    return match.group(1), int(match.group(2))


def invoice_number(year: int, seq: int) -> str:
    return f"F{year}-{seq:05d}"

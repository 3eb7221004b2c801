"""The door's rules, pure: the signed QR of a billet and the reasons a billet is refused.

A billet's QR holds ``<billet number>.<k><tag>``: ``k`` one letter A–Z naming the venue key, ``tag``
the first 65 bits of HMAC-SHA-256(key, billet number) in RFC 4648 base32 (13 characters, no
padding). Every character (digits, A–Z, ``-`` and ``.``) is in the QR's alphanumeric mode, so the
code stays small. The printed text keeps the plain number. No I/O here: the keys are given.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

TAG_CHARS = 13  # 13 base32 characters = 65 bits (≥ 64)
KEY_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SECRET_BYTES = 32
# a billet number as numbering.py makes it: YYYYMMDD-<sale><suffix>-NNN (wider past 999)
BILLET_NUMBER = re.compile(r"\d{8}-\d+[A-Z]*-\d{3,}")
SIGNED = re.compile(r"(?P<number>\d{8}-\d+[A-Z]*-\d{3,})\.(?P<letter>[A-Z])(?P<tag>[A-Z2-7]+)")
MAX_SCAN = 80  # a scanner's line longer than this is no billet of ours


class Reason(StrEnum):
    """Why a billet is refused. Values are stored in the journal: never rename one."""

    USED = "used"  # déjà utilisé
    EXPIRED = "expired"
    NOT_YET = "not_yet"  # pas encore valable
    VOIDED = "voided"  # its line was voided
    UNPAID = "unpaid"
    UNKNOWN = "unknown"  # no such billet (or not a billet number at all)
    UNPRINTED = "unprinted"  # its carnet was never printed
    SIGNATURE = "signature"  # forged, altered, unknown or retired key
    UNSIGNED = "unsigned"  # a QR without a tag scanned after the date old billets are accepted until


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


class ScanKind(StrEnum):
    SIGNED = "signed"  # number.k<tag>
    PLAIN = "plain"  # a bare billet number: an old billet's QR, or typed by the door agent
    GARBAGE = "garbage"  # neither


@dataclass(frozen=True)
class Scan:
    kind: ScanKind
    number: str = ""
    letter: str = ""
    tag: str = ""


def tag(secret: bytes, number: str) -> str:
    digest = hmac.new(secret, number.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode("ascii")[:TAG_CHARS]


def sign(number: str, letter: str, secret: bytes) -> str:
    """The QR text of ``number`` under the key ``letter``."""
    check_letter(letter)
    if not BILLET_NUMBER.fullmatch(number):
        raise ValueError(f"not a billet number: {number!r}")
    return f"{number}.{letter}{tag(secret, number)}"


def check_letter(letter: str) -> str:
    if len(letter) != 1 or letter not in KEY_LETTERS:
        raise ValueError(f"a key is named by one letter A–Z, not {letter!r}")
    return letter


def normalize(text: str) -> str:
    """What a scanner or an agent typed, as we compare it: trimmed, upper case (Caps Lock, a
    scanner set to lower case), no spaces inside (a number typed in groups)."""
    return "".join(str(text).split()).upper()[: MAX_SCAN + 1]


def parse(text: str) -> Scan:
    text = normalize(text)
    if len(text) > MAX_SCAN:
        return Scan(ScanKind.GARBAGE)
    signed = SIGNED.fullmatch(text)
    if signed:
        return Scan(ScanKind.SIGNED, signed["number"], signed["letter"], signed["tag"])
    if BILLET_NUMBER.fullmatch(text):
        return Scan(ScanKind.PLAIN, text)
    # "number." + something that is no tag: an altered QR of a real number
    number, dot, _rest = text.partition(".")
    if dot and BILLET_NUMBER.fullmatch(number):
        return Scan(ScanKind.SIGNED, number, "", "")
    return Scan(ScanKind.GARBAGE)


def verify(scan: Scan, keys: Mapping[str, bytes]) -> bool:
    """A signed scan's tag is the one ``keys[letter]`` makes (constant-time); ``keys`` holds only
    the keys not retired, so a retired key's billets fail here."""
    if scan.kind is not ScanKind.SIGNED or len(scan.tag) != TAG_CHARS:
        return False
    secret = keys.get(scan.letter)
    if secret is None:
        hmac.compare_digest(scan.tag, "A" * TAG_CHARS)  # the same work whatever the letter
        return False
    return hmac.compare_digest(scan.tag, tag(secret, scan.number))


def next_letter(used: set[str]) -> str | None:
    """The first letter never given to a key (a retired letter is not given again: a billet
    signed under it must never verify under a new secret by accident of naming)."""
    for letter in KEY_LETTERS:
        if letter not in used:
            return letter
    return None


def untagged_accepted(today: date, until: date | None) -> bool:
    """Old billets (QR without a tag) enter through ``until`` inclusive; never when unset."""
    return until is not None and today <= until


def validity(today: date, valid_from: date, valid_until: date) -> Reason | None:
    """Valid from the sale day through the last valid day, inclusive, by the venue's clock."""
    if today < valid_from:
        return Reason.NOT_YET
    if today > valid_until:
        return Reason.EXPIRED
    return None

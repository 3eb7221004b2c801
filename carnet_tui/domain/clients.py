"""What a client record may hold, and the text the search matches against."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.rules import check_beneficiary_type
from carnet_tui.domain.text import clean_text

NAME_MAX = 120
NOTE_MAX = 500
_PHONE = re.compile(r"^\+?\d{8,15}$")
_MEMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/-]{0,29}$")
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ClientInput:
    name: str
    beneficiary_type: str
    phone: str = ""
    member_number: str = ""
    note: str = ""


def check_client(data: ClientInput) -> ClientInput:
    name = clean_text(data.name)
    if not name:
        raise DomainError("err.client.name_required", field="name")
    if len(name) > NAME_MAX:
        raise DomainError("err.client.name_too_long", field="name", max=NAME_MAX)
    phone = re.sub(r"[\s.-]", "", clean_text(data.phone))
    if phone and not _PHONE.match(phone):
        raise DomainError("err.client.phone_invalid", field="phone")
    member = clean_text(data.member_number).upper()
    if member and not _MEMBER.match(member):
        raise DomainError("err.client.member_invalid", field="member")
    note = clean_text(data.note)
    if len(note) > NOTE_MAX:
        raise DomainError("err.text.too_long", field="note", max=NOTE_MAX)
    return ClientInput(name, check_beneficiary_type(data.beneficiary_type), phone, member, note)


def fold(text: str) -> str:
    """Lower case, accents and Arabic short vowels removed: ``Élodie`` → ``elodie``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("\u0640", "").casefold()  # tatweel is decoration


def search_tokens(text: str, limit: int = 6) -> list[str]:
    """Word tokens of a typed query, folded; punctuation and SQL wildcards are dropped."""
    tokens = (tok.replace("_", "") for tok in _TOKEN.findall(fold(text)))
    return [tok for tok in tokens if tok][:limit]


def searchable_text(name: str, phone: str, member_number: str) -> str:
    return " ".join(part for part in (fold(name), phone, fold(member_number)) if part)

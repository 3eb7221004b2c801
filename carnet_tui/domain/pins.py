"""PINs: 4–8 digits, kept as salted scrypt hashes. Pure: the salt is given by the caller."""

from __future__ import annotations

import hashlib
import hmac

from carnet_tui.domain.errors import DomainError

# n=2**14, r=8: 16 MiB and ~47 ms on the reference machine; sign-in must reach the home screen in
# 100 ms (bench signin_ms), and five wrong PINs lock the user anyway
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
LOCK_AFTER = 5
LOCK_SECONDS = 300


def check_pin(pin: object) -> str:
    text = str(pin or "")
    if not (4 <= len(text) <= 8 and text.isascii() and text.isdigit()):
        raise DomainError("err.pin.format", field="pin")
    return text


def hash_pin(pin: str, salt: bytes, n: int = SCRYPT_N) -> str:
    digest = hashlib.scrypt(check_pin(pin).encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


# answers computed ahead (``verify_ahead``), each taken once by ``verify_pin``
_ahead: dict[tuple[str, str], bool] = {}


def verify_ahead(pin: str, stored: str) -> None:
    """Check now a PIN that ``verify_pin`` will be asked about soon (a PIN typed before the sign-in
    screen showed, checked while the app starts): that call then answers without scrypt."""
    _ahead[(pin, stored)] = _scrypt_matches(pin, stored)


def forget_ahead() -> None:
    _ahead.clear()


def verify_pin(pin: str, stored: str) -> bool:
    known = _ahead.pop((pin, stored), None)
    return _scrypt_matches(pin, stored) if known is None else known


def _scrypt_matches(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(str(pin).encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                                   p=int(p), dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate.hex(), digest)

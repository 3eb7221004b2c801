"""A PIN typed before the sign-in screen was drawn (during an SSH login, say): checked at once.

The counter reads the keys typed ahead ~40 ms into its start (``ui/early_keys.py``); when they begin
with a PIN and Enter, the PIN's scrypt (~47 ms, by design) is computed in a thread while the main
thread still imports Textual: scrypt leaves the interpreter free, so it costs the cashier nothing.
The sign-in itself is unchanged (``people.sign_in``: the lock after wrong PINs, the journal); it
takes the answer from ``pins.verify_ahead`` when the hash it finds is the one checked here.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from carnet_tui.domain import pins
from carnet_tui.domain.context import Context
from carnet_tui.store import location as store_location

log = logging.getLogger(__name__)


def preselected(names: Sequence[str], wanted: str | None = None) -> str | None:
    """Whose PIN is typed when nobody chose a name: ``CARNET_CASHIER`` (the desk's key says it)
    when that user may sign in, else the first name of the list."""
    wanted = os.environ.get("CARNET_CASHIER") if wanted is None else wanted
    if wanted in names:
        return wanted
    return names[0] if names else None


def check_in_background(location: str, pin: str) -> threading.Thread | None:
    """Start checking ``pin`` for the preselected user of a file store; None for a server."""
    path = store_location.sqlite_path(location)
    if path is None or path == ":memory:" or not Path(path).exists():
        return None
    thread = threading.Thread(target=_check, args=(path, pin), name="pin-ahead", daemon=True)
    thread.start()
    return thread


def _check(path: str, pin: str) -> None:
    try:
        users = dict(store_location.active_pin_hashes(path))
        name = preselected(list(users))
        if name is not None:
            pins.verify_ahead(pin, users[name])
    except Exception:  # noqa: BLE001 - only a head start: the sign-in checks the PIN anyway
        log.warning("PIN typed ahead not checked ahead", exc_info=True)


def sign_in(pin: str, desk: str, today: date | None = None) -> Context | None:
    """The sign-in the screen would have made with this PIN and Enter (the preselected name);
    None when nobody may sign in. Refusals are those of ``people.sign_in``."""
    from carnet_tui.services import people

    try:
        name = preselected([u.name for u in people.list_users(include_disabled=False)])
        return None if name is None else people.sign_in(name, pin, desk, today=today)
    finally:
        pins.forget_ahead()  # a PIN checked for nobody's use is not kept

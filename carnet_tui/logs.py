"""``carnet.log`` in the data folder: what went wrong unexpectedly, with its traceback.

The cashier sees a short French refusal naming this file; the manager (or whoever maintains the
till) reads the traceback here. No Textual: the CLI and the services may log too.
"""

from __future__ import annotations

import threading
import traceback
from datetime import datetime
from pathlib import Path

LOG_NAME = "carnet.log"
MAX_BYTES = 1_000_000  # past this the log starts again, the previous one kept as carnet.log.1
_lock = threading.Lock()  # several worker threads may log at once: one traceback after the other


def log_path(data_dir: Path | None = None) -> Path:
    if data_dir is None:
        from carnet_tui.settings import default_data_dir

        data_dir = default_data_dir()
    return Path(data_dir) / LOG_NAME


def log_unexpected(exc: BaseException, data_dir: Path | None = None, doing: str = "") -> Path | None:
    """Append ``exc`` and its traceback to the log; returns its path, or None when it cannot be
    written (a log that fails must never hide the error it was reporting)."""
    path = log_path(data_dir)
    stamp = datetime.now().isoformat(sep=" ", timespec="seconds")
    head = f"{stamp} erreur inattendue{' : ' + doing if doing else ''}\n"
    body = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        with _lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > MAX_BYTES:
                path.replace(path.with_name(LOG_NAME + ".1"))
            with path.open("a", encoding="utf-8", errors="backslashreplace") as out:
                out.write(head + body + "\n")
    except OSError:
        return None
    return path

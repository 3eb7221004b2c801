"""ESC/POS layouts and devices on python-escpos."""

from __future__ import annotations

import os


def _persistent_capabilities_cache() -> None:
    # python-escpos 3.1 parses its 96 kB YAML profile file at every import unless told where to keep
    # the parsed copy; a per-user cache folder makes the first print after start-up ~0.3 s faster.
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    from platformdirs import user_cache_dir

    folder = user_cache_dir("carnet-tui", appauthor=False)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return  # read-only home: escpos falls back to a temporary folder
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = folder


_persistent_capabilities_cache()

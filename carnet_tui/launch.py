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


def counter_options(argv: Sequence[str]) -> dict[str, str | None] | None:
    """The global options' values when there is nothing else: the counter is opened. None for
    anything else (``--help``, an abbreviation and mistakes included): the whole parser reads it.
    argparse and its twenty subcommands cost 5–7 ms of each login, for six options."""
    found: dict[str, str | None] = {name[2:].replace("-", "_"): None for name in GLOBAL_OPTIONS}
    words = list(argv)
    while words:
        word = words.pop(0)
        name, equals, value = word.partition("=")
        if equals and name in GLOBAL_OPTIONS:
            found[name[2:].replace("-", "_")] = value
            continue
        if word not in GLOBAL_OPTIONS or not words or words[0].startswith("-"):
            return None
        found[word[2:].replace("-", "_")] = words.pop(0)  # the last one given wins, as with argparse
    return found


def runs_the_counter(argv: Sequence[str]) -> bool:
    return counter_options(argv) is not None


def main() -> int:
    if runs_the_counter(sys.argv[1:]):
        import gc

        gc.disable()  # the start's imports make no garbage worth a pass (cli.cmd_run turns it back on)
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

"""Textual's parsed stylesheets, kept between starts in the user's cache folder.

Textual parses the app's stylesheet and every widget's default CSS at each start: 25–35 ms of the
counter's start on the bench machine, paid at every login (issue 12, ``sale_ready_ratio``). The
parsed rules are plain data (``RuleSet``, ``Styles``) and unpickle in ~2 ms. Each entry is keyed by
the CSS text, where it came from, the theme's variables and Textual's version: an upgrade or an
edited stylesheet is parsed afresh. A pickle runs code when loaded, so a file that is not the user's
own, or that others may write, is ignored (the folder is the user's, as for python-escpos' cache in
``printing/__init__.py``). Anything wrong with the file only means parsing as before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from carnet_tui.code_cache import read_own_file, write_own_file

log = logging.getLogger(__name__)

FILE = "textual-css.pickle"
KEEP_AT_MOST = 120  # the counter's screens use ~60 sources; beyond this, stale entries are dropped


def default_folder() -> Path | None:
    if os.environ.get("CARNET_CSS_CACHE") == "0":  # off (a test that must see Textual parse)
        return None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("carnet-tui", appauthor=False))


def _textual_install() -> tuple[str, int, int]:
    """Which Textual parsed the kept rules: its parser's file, as installed. Not
    ``textual.__version__``, which reads the package's metadata (~13 ms at each start)."""
    from textual.css import styles

    info = os.stat(styles.__file__)
    return styles.__file__, info.st_mtime_ns, info.st_size


class ParsedCss:
    """The parsed rules of earlier starts, and the ones parsed in this one."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / FILE if folder is not None else None
        # each entry stays pickled until used: a start uses ~20 of the ~65 sources the counter's
        # screens have (unpickling them all took 8–13 ms, a fifth of what the cache saves)
        self.entries: dict[str, bytes | list[Any]] = {}
        self.hits = 0
        self.used: set[str] = set()
        self.dirty = False
        self._load()

    def _load(self) -> None:
        if self.path is None:
            return
        data = read_own_file(self.path)  # not ours alone: never unpickled
        if data is None:
            return
        try:
            entries = pickle.loads(data)  # noqa: S301 - the user's own file (checked above)
        except Exception:  # noqa: BLE001 - damaged, truncated, an older Textual's classes: parsed again
            log.info("stylesheet cache ignored", exc_info=True)
            return
        if isinstance(entries, dict):
            self.entries = entries

    def attach(self, stylesheet: Any) -> None:
        """Answer ``stylesheet``'s parses from the kept rules; new parses are kept for ``save``."""
        parse: Callable[..., list[Any]] = stylesheet._parse_rules
        textual = _textual_install()
        # the theme's ~150 variables, sorted and hashed once per set of them, not at each of the ~65
        # parses of a start (that was 5–7 ms); Textual sets a new dict when they change
        # (a dict changed in place is seen too: its items' hash, ~10 µs, is the check)
        last: list[Any] = [None, ""]

        def variables_digest() -> str:
            variables = getattr(stylesheet, "_variables", {})
            fingerprint = hash(tuple(variables.items()))
            if last[0] != fingerprint:
                digest = hashlib.sha256(repr(sorted(variables.items())).encode()).hexdigest()
                last[:] = [fingerprint, digest]
            return last[1]

        def parse_rules(css: str, read_from: Any, is_default_rules: bool = False, tie_breaker: int = 0,
                        scope: str = "") -> list[Any]:
            key = hashlib.sha256(repr((textual, css, read_from, is_default_rules,
                                       tie_breaker, scope, variables_digest())).encode()).hexdigest()
            self.used.add(key)
            found = self.entries.get(key)
            if isinstance(found, bytes):
                try:
                    found = self.entries[key] = pickle.loads(found)  # noqa: S301 - the user's own file
                except Exception:  # noqa: BLE001 - an older Textual's classes: parsed again below
                    log.info("stylesheet cache entry ignored", exc_info=True)
                    del self.entries[key]
                    self.dirty = True
                    found = None
            if found is not None:
                self.hits += 1
                return found
            rules = parse(css, read_from, is_default_rules, tie_breaker, scope)
            if not any(rule.errors for rule in rules):  # an error is reported by Textual, not kept
                self.entries[key] = rules
                self.dirty = True
            return rules

        stylesheet._parse_rules = parse_rules

    def save(self) -> None:
        """Write what this start parsed (after the first frames: never on the way to them)."""
        if self.path is None or not self.dirty:
            return
        self.dirty = False
        try:
            if len(self.entries) > KEEP_AT_MOST:  # an upgrade's leftovers: only what this start used
                self.entries = {key: rules for key, rules in self.entries.items() if key in self.used}
            newest = pickle.HIGHEST_PROTOCOL
            kept = {key: rules if isinstance(rules, bytes) else pickle.dumps(rules, protocol=newest)
                    for key, rules in self.entries.items()}
            write_own_file(self.path, pickle.dumps(kept, protocol=newest))
        except Exception:  # noqa: BLE001 - a read-only home: parsed at each start, as before
            log.info("stylesheet cache not written", exc_info=True)

"""Every word the cashier sees, looked up by key.

Each area keeps its words in its own module (``fr_core``, ``fr_ui``, ``fr_print``, ``fr_day``…) so
that adding a language means adding sibling modules, not hunting strings through the code. Every
module named ``<lang>_<area>`` is read; a key defined twice is a mistake a test catches.
"""

from __future__ import annotations

import os
import pkgutil
from importlib import import_module

_cache: dict[str, dict[str, str]] = {}


def _catalog(lang: str) -> dict[str, str]:
    if lang not in _cache:
        merged: dict[str, str] = {}
        for name in areas(lang):
            merged.update(import_module(f"{__name__}.{name}").TEXTS)
        _cache[lang] = merged
    return _cache[lang]


def areas(lang: str) -> list[str]:
    """The modules holding ``lang``'s words, sorted: ``fr_core``, ``fr_day``…"""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith(f"{lang}_"))


def language() -> str:
    return os.environ.get("CARNET_LANG", "fr")


def t(key: str, **params: object) -> str:
    """The text for ``key`` in the current language (French when missing)."""
    text = _catalog(language()).get(key) or _catalog("fr").get(key) or key
    return text.format(**params) if params else text

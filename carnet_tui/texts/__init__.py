"""Every word the cashier sees, looked up by key.

Each area keeps its words in its own module (``fr_core``, ``fr_ui``, ``fr_print``) so that
adding a language means adding sibling modules, not hunting strings through the code.
"""

from __future__ import annotations

import os
from importlib import import_module

_AREAS = ("core", "ui", "print")
_cache: dict[str, dict[str, str]] = {}


def _catalog(lang: str) -> dict[str, str]:
    if lang not in _cache:
        merged: dict[str, str] = {}
        for area in _AREAS:
            try:
                merged.update(import_module(f"{__name__}.{lang}_{area}").TEXTS)
            except ModuleNotFoundError:
                continue
        _cache[lang] = merged
    return _cache[lang]


def language() -> str:
    return os.environ.get("CARNET_LANG", "fr")


def t(key: str, **params: object) -> str:
    """The text for ``key`` in the current language (French when missing)."""
    text = _catalog(language()).get(key) or _catalog("fr").get(key) or key
    return text.format(**params) if params else text

"""The one error type the services raise for anything a cashier can correct."""

from __future__ import annotations

from carnet_tui.domain.text import clean_text
from carnet_tui.texts import t


class DomainError(ValueError):
    """A refused input or action. ``key`` names the text; ``field`` the input it concerns."""

    def __init__(self, key: str, field: str | None = None, **params: object) -> None:
        self.key = key
        self.field = field
        # a refusal may echo what was typed or imported: it reaches the screen and the terminal clean
        self.params = {k: clean_text(v, single_line=False) if isinstance(v, str) else v
                       for k, v in params.items()}
        super().__init__(t(key, **self.params))

    @property
    def message(self) -> str:
        return t(self.key, **self.params)

"""The one error type the services raise for anything a cashier can correct."""

from __future__ import annotations

from carnet_tui.texts import t


class DomainError(ValueError):
    """A refused input or action. ``key`` names the text; ``field`` the input it concerns."""

    def __init__(self, key: str, field: str | None = None, **params: object) -> None:
        self.key = key
        self.field = field
        self.params = params
        super().__init__(t(key, **params))

    @property
    def message(self) -> str:
        return t(self.key, **self.params)

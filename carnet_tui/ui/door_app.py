"""The app's side of the door (mixed into ``CarnetApp``): ``action_open_door`` (Alt+C, from anywhere,
for a role with ``Permission.DOOR``). The screen is imported on first use."""

from __future__ import annotations

from typing import Any

from textual.screen import ModalScreen

from carnet_tui.domain.context import Permission


class DoorSection:
    """Methods of ``CarnetApp`` (an ``App``): typed loosely, the mixin has no base of its own."""

    def door_allowed(self: Any) -> bool:
        ctx = getattr(self, "context", None)
        return ctx is not None and ctx.can(Permission.DOOR)

    async def action_open_door(self: Any) -> None:
        ready = getattr(self, "_store_ready", None)
        if ready is not None:
            await ready.wait()
        if not self.door_allowed() or isinstance(self.screen, ModalScreen):
            return
        if self.screen.id == "door-screen":
            return
        from carnet_tui.ui.screens.door import DoorScreen

        self.push_screen(DoorScreen())

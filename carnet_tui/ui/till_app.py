"""The app's side of the till's screens (mixed into ``CarnetApp``, like ``UnclosedSales``):
``action_open_till`` (*Caisse*) and ``action_open_reports`` (*Rapports*). The screens are
imported on first use: the home screen must appear as fast as a bare app."""

from __future__ import annotations

from typing import Any

from textual.screen import ModalScreen

# the screens these actions open, left for another section's key (a till screen is not stacked
# on itself, nor kept under the sale window)
TILL_SCREENS = ("till-screen", "reports-screen")


class TillScreens:
    """Methods of ``CarnetApp`` (an ``App``): typed loosely, the mixin has no base of its own."""

    async def _till_section_ready(self: Any, screen_id: str) -> bool:
        store_ready = getattr(self, "_store_ready", None)
        if store_ready is not None:
            await store_ready.wait()  # keys typed meanwhile wait in the queue
        if isinstance(self.screen, ModalScreen) or self.screen.id == screen_id:
            return False  # a dialog is waiting for its answer, or the screen is already there
        return True

    async def action_open_till(self: Any) -> None:
        if not await self._till_section_ready("till-screen"):
            return
        from carnet_tui.ui.screens.till import TillScreen

        while self.screen.id in TILL_SCREENS:
            self.pop_screen()
        self.push_screen(TillScreen())

    async def action_open_reports(self: Any) -> None:
        if not await self._till_section_ready("reports-screen"):
            return
        from carnet_tui.ui.screens.reports import ReportsScreen

        if self.screen.id != "till-screen":  # from the Caisse screen, Échap goes back to it
            while self.screen.id in TILL_SCREENS:
                self.pop_screen()
        self.push_screen(ReportsScreen())

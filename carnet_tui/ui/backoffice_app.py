"""The app's way into the back office (issue 13): the actions the sections list binds.

A mixin of ``CarnetApp`` (like ``UnclosedSales``): the screens are imported on first use, and only
someone whose role grants ``Permission.BACK_OFFICE`` (responsable, admin) gets them.
"""

from __future__ import annotations

from typing import Any

from textual.screen import ModalScreen

from carnet_tui.domain.context import Permission
from carnet_tui.texts import t


class BackOffice:
    """``action_open_models`` (Modèles de carnets) and ``action_open_clients`` (Clients)."""

    # provided by the App this is mixed into
    context: Any
    screen: Any

    def back_office_allowed(self) -> bool:
        ctx = self.context
        if ctx is None or not ctx.can(Permission.BACK_OFFICE):
            self.notify(t("err.user.not_allowed"), severity="warning")  # type: ignore[attr-defined]
            return False
        return True

    async def _open_back_office(self, screen_id: str, make: Any) -> None:
        ready = getattr(self, "_store_ready", None)
        if ready is not None:
            await ready.wait()
        if isinstance(self.screen, ModalScreen) or self.screen.id == screen_id:
            return
        if not self.back_office_allowed():
            return
        while self.screen.id in ("bo-models-screen", "bo-clients-screen", "bo-duplicates-screen"):
            self.pop_screen()  # type: ignore[attr-defined]  # one back-office screen at a time
        self.push_screen(make())  # type: ignore[attr-defined]

    def catalog_changed(self) -> None:
        """The sale window, once built, keeps its list of models: after the back office it is
        given the catalog as it is now (a model made, renamed or deactivated, a new price)."""
        if not self.is_screen_installed("sale"):  # type: ignore[attr-defined]
            return
        from carnet_tui.services import catalog

        sale = self.get_screen("sale")  # type: ignore[attr-defined]
        if not sale.is_mounted:
            return
        if catalog.active_models() != sale.models:
            sale.load_models()  # the first model chosen again: its defaults and tariffs follow
        sale.load_tariffs()

    async def action_open_models(self) -> None:
        from carnet_tui.ui.screens.backoffice_models import ModelsScreen

        await self._open_back_office("bo-models-screen", ModelsScreen)

    async def action_open_clients(self) -> None:
        from carnet_tui.ui.screens.backoffice_clients import ClientsScreen

        await self._open_back_office("bo-clients-screen", ClientsScreen)

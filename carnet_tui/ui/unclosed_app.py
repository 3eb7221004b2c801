"""The app's side of "a paid sale is never stranded" (mixed into ``CarnetApp``).

- Leaving a sale paid but not closed (Ctrl+Q, Escape to home, F8) asks first: Clôturer et imprimer
  maintenant / Plus tard / Annuler.
- At start (after the unfinished prints are offered) and on Alt+A when the window holds no sale,
  the cashier's open sales with paid lines are offered back, one after the other, oldest first.
- ``take_up_sale`` opens any sale in the window as it was (the history's F7 uses it).

Which sales a desk is offered: those the signed-in cashier opened (``app.context.user``, read when
asked: the cashier may have changed). Any sale can be taken up from the history. The dialogs and
the sale window are imported on first use: the home screen must appear as fast as a bare app.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.screen import ModalScreen

from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.rules import format_date
from carnet_tui.texts import t
from carnet_tui.ui.threads import close_thread_connection

if TYPE_CHECKING:
    from carnet_tui.domain.context import Context
    from carnet_tui.services.unclosed import UnclosedSale
    from carnet_tui.ui.screens.sale import SaleScreen


class UnclosedSales:
    """Methods of ``CarnetApp`` (an ``App``): typed loosely, the mixin has no base of its own."""

    _offering = False  # one offer at a time (start-up and Alt+A may meet)
    # looked up with a sign-in typed ahead, for the Alt+A typed with it: (user id, the sales)
    _unclosed_ahead: tuple[int, list[UnclosedSale]] | None = None
    _looked = False  # the open sales were looked for once: Alt+A before the start-up offer did it

    # ------------------------------------------------------------------ the sale window
    def sale_window(self: Any) -> SaleScreen:
        """The sale window, installed once and kept (its sale survives leaving it)."""
        if not self.is_screen_installed("sale"):
            from carnet_tui.ui.screens.sale import SaleScreen

            self.install_screen(SaleScreen(), "sale")
        return self.get_screen("sale")

    def held_unclosed_sale(self: Any) -> UnclosedSale | None:
        """The window's sale when it is paid (a line not voided) and not closed."""
        if not self.is_screen_installed("sale"):
            return None
        sale_id = self.get_screen("sale").sale_id
        if sale_id is None:
            return None
        from carnet_tui.services import unclosed

        try:
            return unclosed.unclosed_sale(sale_id)
        except Exception:  # noqa: BLE001 - a store that cannot answer must not stop Ctrl+Q
            return None

    async def show_sale_window(self: Any) -> SaleScreen:
        """The window on top: dialogs and the history over it are left."""
        screen = self.sale_window()
        while isinstance(self.screen, ModalScreen) or self.screen.id == "history-screen":
            self.pop_screen()
        if self.screen is not screen:
            await self.push_screen(screen)  # waits for a first mount
        return screen

    async def take_up_sale(self: Any, sale_id: int) -> str | None:
        """Open ``sale_id`` in the window as it was. Returns why not when the window holds another
        sale paid and not closed (it would be set aside unseen)."""
        screen = self.sale_window()
        held = self.held_unclosed_sale()
        if held is not None and held.id != sale_id:
            return t("msg.window_busy", number=held.number)
        await self.show_sale_window()
        if screen.sale_id != sale_id:
            try:
                screen.load_sale(sale_id)
            except DomainError as exc:
                screen.reset_window()
                return exc.message
        return None

    # ------------------------------------------------------------------ before leaving
    def ask_before_leaving(self: Any, leaving: str, then: Callable[[], object]) -> bool:
        """When the window holds a sale paid and not closed, ask (``leaving``: quit, home or
        finalize) and return True: Clôturer runs F6's path, Plus tard runs ``then``. False when
        there is nothing to ask."""
        from carnet_tui.ui.screens.unclosed import LeaveSaleDialog

        if isinstance(self.screen, LeaveSaleDialog):
            return True  # already asked
        from carnet_tui.ui import offthread

        if offthread.any_busy():
            # a payment or a close is being written: the key waits for it, as Escape does in the
            # dialog (its Clôturer would pop that dialog and race the payment; Plus tard would quit
            # before the window knows of it)
            return True
        sale = self.held_unclosed_sale()
        if sale is None:
            return False

        def answered(choice: str | None) -> None:
            if choice == "close":
                self.call_later(self._close_held_sale)
            elif choice == "later":
                then()

        self.push_screen(LeaveSaleDialog(sale, leaving), callback=answered)
        return True

    async def _close_held_sale(self: Any) -> None:
        screen = await self.show_sale_window()
        await screen.action_close_sale()

    # ------------------------------------------------------------------ offering back
    @work(group="unclosed-offer", exit_on_error=False)
    async def offer_unclosed_at_start(self: Any) -> None:
        """After the store opened and the unfinished prints were offered (their questions first)."""
        await self._store_settled.wait()
        if not self._store_ready.is_set() or self._looked:
            return
        while True:
            pending = [w for w in self.workers if w.group == "resume" and not w.is_finished]
            if not pending:
                break
            try:
                await pending[0].wait()
            except Exception:  # noqa: BLE001 - not started yet, failed or cancelled: look again
                await asyncio.sleep(0.05)
        self.offer_unclosed(await self.unclosed_to_offer())

    async def unclosed_to_offer(self: Any) -> list[UnclosedSale]:
        """The cashier's open sales with paid lines, when the window holds none (else nothing)."""
        if self._offering:
            return []
        if self.is_screen_installed("sale"):
            screen = self.get_screen("sale")
            if screen.sale_id is not None and screen.carnets:
                return []  # the window has its own sale: nothing is offered over it
        ctx = self.context
        if ctx is None:  # nobody signed in yet: nobody's sales to offer (asked again once someone is)
            return []
        self._offering = self._looked = True
        ahead, self._unclosed_ahead = self._unclosed_ahead, None
        try:
            if ahead is not None and ahead[0] == ctx.user_id:
                found = ahead[1]  # looked up a moment ago, with the sign-in
            else:
                found = await asyncio.to_thread(unclosed_of_cashier, ctx)
        except Exception:  # noqa: BLE001 - a database error must not stop Alt+A: no offer
            found = []
        if not found:
            self._offering = False
        return found

    def offer_unclosed(self: Any, found: list[UnclosedSale]) -> None:
        """Ask about each sale in turn, oldest first, until one is taken up."""
        if not found:
            return
        from carnet_tui.ui.screens.unclosed import offer_dialog

        self._offering = True
        sale, rest = found[0], found[1:]

        async def answered(yes: bool | None) -> None:
            if not yes and rest:
                self.offer_unclosed(rest)
                return
            self._offering = False
            if yes:
                refused = await self.take_up_sale(sale.id)
                if refused and self.sale_window().is_mounted:
                    self.sale_window().say(refused)

        self.push_screen(offer_dialog(sale, format_date(self.today)), callback=answered)


def unclosed_of_cashier(ctx: Context) -> list[UnclosedSale]:
    """In a worker thread: the signed-in cashier's open sales with paid lines."""
    try:
        from carnet_tui.services import unclosed

        return unclosed.unclosed_sales(ctx)
    finally:
        close_thread_connection()

"""The actions menu (F7 / Shift+F10) on a carnet or a sale: reprints, invoice, history.

Shared by the sale window (its bottom table) and the sales history. Reprints ask a reason, then a
responsable's approval (``app.ask_approval``), and run off the UI thread with the context read at
that moment; what happened is said through the screen's ``say``.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.screen import Screen

from carnet_tui.domain.context import Approval, Context
from carnet_tui.domain.errors import DomainError
from carnet_tui.services.sales import CarnetStatus
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.screens.dialogs import InfoDialog, MenuDialog, PrintCarnetDialog, RangeDialog, ReasonDialog

CARNET_ACTIONS = ("preview", "receipt", "billets_all", "billets_range", "invoice", "history")
SALE_ACTIONS = ("receipt", "invoice", "history")


@dataclass(frozen=True)
class Target:
    """What the menu acts on: a carnet (every action), or a whole sale (receipt, invoice, history)."""

    sale_id: int
    sale_number: int | None
    carnet: CarnetStatus | None = None

    @property
    def label(self) -> str:
        return self.carnet.number if self.carnet else t("actions.sale_label", number=self.sale_number)


def sale_number_of(carnet: CarnetStatus) -> int | None:
    """815 from 20191220-815A."""
    digits = carnet.number.split("-")[1].rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") if "-" in carnet.number else ""
    return int(digits) if digits.isdigit() else None


def acting(app: object) -> Context:
    """Who acts now at this desk: the app's context, read at the moment of the action (the till
    opens, the cashier changes). Nobody signed in: a refusal, said where the action was typed."""
    ctx = getattr(app, "context", None)
    if ctx is None:
        raise DomainError("err.user.signed_out")
    return ctx


class RowActions(Screen[None]):
    """A screen with the actions menu. Subclasses say things (``say``) and may refresh after."""

    def say(self, message: str) -> None:
        raise NotImplementedError

    def after_print(self) -> None:
        """Called on the UI thread once a print or reprint is over (tables to refresh)."""

    def offers_take_up(self, target: Target, sale_closed: bool) -> bool:
        """Whether the menu offers to take the sale up in the sale window (the history does)."""
        return False

    def take_up(self, target: Target) -> None:
        """Open the target's sale in the sale window, to close and print it."""

    def resume_print(self, carnet: CarnetStatus) -> None:
        def done(result: str | None) -> None:
            key = "msg.printed" if result == "printed" else "msg.print_later"
            self.after_print()
            self.say(t(key, number=carnet.number))

        self.app.push_screen(
            PrintCarnetDialog(carnet.carnet_id, carnet.number, carnet.billets_count,
                              self.app.settings),  # type: ignore[attr-defined]
            callback=done,
        )

    def open_actions(self, target: Target, sale_closed: bool) -> None:
        options = []
        carnet = target.carnet
        if self.offers_take_up(target, sale_closed):
            options.append(("take_up", t("actions.take_up")))
        if carnet is not None and carnet.print_status in ("unprinted", "partial") and sale_closed:
            options.append(("print", t("actions.print")))
        options += [(key, t(f"actions.{key}")) for key in (CARNET_ACTIONS if carnet else SALE_ACTIONS)]

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self.run_row_action(choice, target)

        title = t("actions.title", number=carnet.number) if carnet else t("actions.sale_title",
                                                                           number=target.sale_number)
        self.app.push_screen(MenuDialog(title, options), callback=chosen)

    def run_row_action(self, choice: str, target: Target) -> None:
        carnet = target.carnet
        if choice == "print" and carnet is not None:
            self.resume_print(carnet)
        elif choice == "take_up":
            self.take_up(target)
        elif choice == "history":
            self.show_history(target)
        elif choice == "preview" and carnet is not None:
            self.show_preview(carnet)
        elif choice == "invoice":
            from carnet_tui.services import printing

            refusal = printing.legal_ids_refusal(self.app.settings)  # type: ignore[attr-defined]
            if refusal is not None:  # said now, before a reason is typed in vain
                self.say(refusal.message)
                return
            self.app.push_screen(
                ReasonDialog(t("actions.invoice") + f" · {target.label}", lambda reason: reason,
                             required=False),
                callback=lambda reason: (reason is not None
                                         and self.approve_reprint("invoice", target, reason)),
            )
        elif choice == "billets_range" and carnet is not None:
            self.app.push_screen(
                RangeDialog(carnet.number, carnet.billets_count, lambda *answer: answer),
                callback=lambda r: r and self.approve_reprint("billets", target, r[2], r[0], r[1]),
            )
        else:
            self.app.push_screen(
                ReasonDialog(t(f"actions.{choice}") + f" · {target.label}", lambda reason: reason),
                callback=lambda reason: reason and self.approve_reprint(choice, target, reason),
            )

    def approve_reprint(self, what: str, target: Target, reason: str, first: int | None = None,
                        last: int | None = None) -> None:
        """Billets again, or a receipt or an invoice whose original is out: a responsable approves
        first (a cashier asks in a dialog; refused, nothing prints). An original needs no one."""
        needs = what in ("billets", "billets_all")
        if not needs:
            from carnet_tui.services import printing

            try:
                needs = printing.original_printed(target.sale_id, what)
            except Exception:  # noqa: BLE001 - cannot tell: ask, the service decides anyway
                needs = True
        if not needs:
            self.reprint(what, target, reason, first, last)
            return
        self.app.ask_approval(  # type: ignore[attr-defined]
            "reprint", lambda approval: self.reprint(what, target, reason, first, last, approval))

    @work(thread=True, exclusive=True, group="reprint", exit_on_error=False)
    def reprint(self, what: str, target: Target, reason: str, first: int | None = None,
                last: int | None = None, approval: Approval | None = None) -> None:
        """Reprints go to the printer off the UI thread: a slow serial line must not freeze the till."""
        settings = self.app.settings  # type: ignore[attr-defined]
        ctx = getattr(self.app, "context", None)  # as it is now, when the reprint starts

        def run() -> str:
            from carnet_tui.services import printing

            if ctx is None:
                raise DomainError("err.user.signed_out")
            if what == "receipt":
                duplicate = printing.print_receipt(ctx, target.sale_id, settings, reason, approval)
                return t("msg.receipt_duplicate" if duplicate else "msg.receipt")
            if what in ("billets", "billets_all") and target.carnet is not None:
                printing.reprint_billets(ctx, target.carnet.carnet_id, settings, reason, approval,
                                         first=first, last=last)
                return t("msg.billets_duplicate", number=target.carnet.number)
            number = printing.print_invoice(ctx, target.sale_id, settings, reason=reason, approval=approval)
            return t("msg.invoice", number=number)

        # the printer's faults said as it says them; anything else logged to carnet.log
        outcome = offthread.call(run, data_dir=settings.data_dir, expected=offthread.printer_errors(),
                                 doing=f"reprint {what}")
        message = outcome.refusal.message if outcome.refusal is not None else str(outcome.value)
        self.app.call_from_thread(self._reprinted, message)

    def _reprinted(self, message: str) -> None:
        self.after_print()
        self.say(message)

    def show_preview(self, carnet: CarnetStatus) -> None:
        from carnet_tui.services import printing

        try:
            billets = printing.preview_billets(carnet.carnet_id, self.app.settings)  # type: ignore[attr-defined]
        except DomainError as exc:
            self.say(exc.message)
            return
        self.app.push_screen(InfoDialog(t("preview.title", number=carnet.number), "\n\n".join(billets)))

    def show_history(self, target: Target) -> None:
        from carnet_tui.services import printing

        try:
            entries = printing.sale_history(target.sale_id)
        except DomainError as exc:
            self.say(exc.message)
            return
        lines = [entry.summary for entry in entries] or [t("history.empty")]
        title = t("history.title", number=target.sale_number)
        # every entry: a manager checking duplicates must see them all (the dialog scrolls)
        self.app.push_screen(InfoDialog(title, "\n".join(lines)))

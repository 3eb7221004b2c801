"""A paid sale is never stranded: the questions asked before leaving it, offering it back, and
finalizing with carnets left unprinted.

Each question takes only the keys typed after it was asked: keys typed ahead (a burst over SSH,
a cashier already typing the next client's name after F8) must not answer it by chance.
"""

from __future__ import annotations

from textual import on
from textual._time import get_time  # the clock of Textual's events (Message.time)
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from carnet_tui.domain.money import format_dh
from carnet_tui.domain.rules import format_date
from carnet_tui.services.unclosed import UnclosedSale
from carnet_tui.texts import t
from carnet_tui.ui.literal import literal
from carnet_tui.ui.screens.yesno import YesNo

SHOWN_NUMBERS = 6  # carnet numbers named in a question; more are counted


def carnet_list(numbers: tuple[str, ...] | list[str]) -> str:
    """"20191220-815, 20191220-815A", or the first ones and how many more (a dialog has 22 rows)."""
    if len(numbers) <= SHOWN_NUMBERS + 1:
        return ", ".join(numbers)
    rest = len(numbers) - SHOWN_NUMBERS
    return ", ".join(numbers[:SHOWN_NUMBERS]) + " " + t("word.and_more", count=rest)


def carnet_count(count: int) -> str:
    return t("word.carnets.one") if count == 1 else t("word.carnets.many", count=count)


class AskedNow(ModalScreen[object]):
    """A question that ignores the keys typed before it was asked (their events are older)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # the other base's (YesNo)
        self.asked_at = get_time()

    def on_key(self, event: Key) -> None:
        if event.time < self.asked_at:
            # stopped here, before the bindings (checked once the key reaches the App)
            event.stop()
            event.prevent_default()


class LeaveSaleDialog(AskedNow):
    """Leaving a sale paid but not closed: Clôturer et imprimer maintenant (C), Plus tard (P) or
    Annuler (A, Escape). Dismisses with ``close``, ``later`` or None."""

    AUTO_FOCUS = ""  # no button takes Enter: each answer is its own key
    BINDINGS = [
        Binding("c", "answer('close')", t("key.close_now"), key_display="C"),
        Binding("p", "answer('later')", t("key.later"), key_display="P"),
        Binding("a,escape", "answer('')", t("key.leave_cancel"), key_display=t("keycap.escape")),
    ]

    def __init__(self, sale: UnclosedSale, leaving: str) -> None:
        super().__init__()
        self.sale = sale
        self.leaving = leaving  # quit | home | finalize: says what Plus tard does

    def compose(self) -> ComposeResult:
        question = t("leave.question", number=self.sale.number, total=format_dh(self.sale.total_cents),
                     carnets=carnet_list(self.sale.carnet_numbers))
        with Vertical(id="leave-dialog", classes="dialog confirm"):
            yield Label(t("leave.title"), classes="dialog-title")
            yield Static(literal(question), id="leave-question")
            yield Static(t(f"leave.later.{self.leaving}"), id="leave-later")
            with Horizontal(classes="buttons"):
                yield Button(t("key.close_now"), id="close", compact=True, variant="primary")
                yield Button(t("key.later"), id="later", compact=True)
                yield Button(t("key.leave_cancel"), id="cancel", compact=True)
            yield Static(t("leave.hint"), classes="hint")

    def action_answer(self, choice: str) -> None:
        self.dismiss(choice or None)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss({"close": "close", "later": "later"}.get(event.button.id or ""))


class YesNoNow(AskedNow, YesNo):
    """Oui / Non with the keys of the app's questions (O or Y, N, Escape); Enter presses the
    focused button, which is at first the ``default`` answer."""

    BINDINGS = [
        Binding("o,y", "answer(True)", t("key.yes"), key_display="O"),
        Binding("n,escape", "answer(False)", t("key.no"), key_display="N"),
    ]

    def __init__(self, title: str, question: str, hint: str, default: bool) -> None:
        super().__init__(title, question, hint)
        self.AUTO_FOCUS = "#yes" if default else "#no"


def offer_dialog(sale: UnclosedSale, today_text: str) -> YesNoNow:
    """"La vente N° 815 du 20/12/2019 (2 carnets, 11 000,00 DH) n'est pas clôturée : la reprendre ?"."""
    day = format_date(sale.sale_date) if sale.sale_date else today_text
    question = t("offer.question", number=sale.number, date=day, count=carnet_count(len(sale.carnet_numbers)),
                 total=format_dh(sale.total_cents), carnets=carnet_list(sale.carnet_numbers))
    return YesNoNow(t("offer.title"), question, t("offer.hint"), default=True)


def unprinted_dialog(number: int, carnets: list[str]) -> YesNoNow:
    """F8 on a closed sale with carnets left unprinted: default No, the sale is kept."""
    question = t("unprinted.question", number=number, carnets=carnet_list(carnets))
    return YesNoNow(t("unprinted.title"), question, t("unprinted.hint"), default=False)

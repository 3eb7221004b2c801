"""Oui / Non: the one question dialog; its keys are its subclasses' (``dialogs.ConfirmDialog``:
Enter says yes; ``unclosed.YesNoNow``: Enter presses the focused answer, older keys ignored)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from carnet_tui.texts import t
from carnet_tui.ui.literal import literal


class YesNo(ModalScreen[bool]):
    """A title, the question, Oui and Non, a hint; dismisses with True for Oui."""

    def __init__(self, title: str, question: str, hint: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label(literal(self.title_text), classes="dialog-title")
            yield Static(literal(self.question), id="question")
            with Horizontal(classes="buttons"):
                yield Button(t("key.yes"), id="yes", compact=True, variant="primary")
                yield Button(t("key.no"), id="no", compact=True)
            yield Static(literal(self.hint), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

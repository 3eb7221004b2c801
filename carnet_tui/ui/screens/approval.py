"""Accord d'un responsable: a cashier's action (a void, a reprint…) waits for a responsable's PIN.

Pushed by ``app.ask_approval``; it says what is asked, the responsable is chosen in a list (↑/↓ from
the PIN field too) and types their PIN; Enter checks it off the UI thread
(``services.people.approve``: a wrong PIN counts towards their lock-out and is journaled, a user who
is not responsable is refused). A refusal is said under the field, the dialog stays. Escape cancels:
the dialog returns None and nothing is done.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Static

from carnet_tui.domain.context import Approval, Context
from carnet_tui.services import people
from carnet_tui.texts import t
from carnet_tui.ui import offthread
from carnet_tui.ui.literal import literal
from carnet_tui.ui.screens.dialogs import CANCEL, VALIDATE, Dialog
from carnet_tui.ui.screens.signin import NamePin
from carnet_tui.ui.widgets import KeyList, PinInput

ACTIONS = ("void", "reprint", "finalize_unprinted", "cash_movement", "catalog")


class ApprovalDialog(NamePin, Dialog):
    """Returns the ``Approval`` (both names in it), or None when cancelled."""

    NAMES = "#approval-approver"
    PIN = "#approval-pin"
    ERROR = "#approval-error"
    FIRST_INPUT = AUTO_FOCUS = "#approval-pin"
    BINDINGS = [
        CANCEL,
        VALIDATE,
        Binding("up", "move_name(-1)", show=False),
        Binding("down", "move_name(1)", show=False),
        Binding("f1", "app.help", t("key.help"), key_display="F1", show=False),
    ]

    def __init__(self, ctx: Context, action: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.asked_action = action
        self.names = []

    def compose(self) -> ComposeResult:
        key = f"approval.ask.{self.asked_action}" if self.asked_action in ACTIONS else "approval.ask.other"
        with Vertical(id="approval-dialog", classes="dialog"):
            yield Label(t("approval.title"), classes="dialog-title")
            yield Static(literal(t(key, user=self.ctx.user)), id="approval-question")
            with Horizontal(classes="signin-row", id="approval-names-row"):
                yield Label(t("approval.approver"), classes="field-label")
                yield KeyList(id="approval-approver")
            with Horizontal(classes="field-row", id="approval-pin-row"):
                yield Label(t("approval.pin"), classes="field-label")
                yield PinInput(id="approval-pin")
            yield Static("", id="approval-error", classes="error")
            yield Static(t("approval.hint"), classes="hint")

    def on_mount(self) -> None:
        # a handful of names, read as the dialog opens (like the sale window's lists)
        names = [user.name for user in people.approvers()]
        self.name_options(names, None)
        if not names:
            self.query_one("#approval-pin-row").display = False
            self.say(t("approval.none"))

    async def action_validate(self) -> None:
        name = self.chosen_name()
        field = self.query_one("#approval-pin", PinInput)
        pin = field.value
        if name is None:
            return
        if not pin:
            self.set_focus(field)
            return
        ctx, action = self.ctx, self.asked_action

        def done(approval: Approval) -> None:
            self.dismiss_when_shown(approval)

        def refused(refusal: offthread.Refusal) -> None:
            self.say(refusal.message)
            self.clear_pin()

        await self.write(lambda: people.approve(ctx, name, pin, action), done, refused)

"""The app's sections: the one list the home menu, the app's keys, the command palette and F1's help
are built from (DESIGN.md, "How the code grows"). A new screen is one entry here and its module.

An entry names either an action of the app (``action``: ``action_<name>`` on ``CarnetApp``) or a
screen opened over the home screen (``screen``: ``"module:Class"``, imported on first use so the
home screen stays as fast as a bare app). A section whose ``permission`` the signed-in role lacks is
left out of the menu, the palette and the help, and its key is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from carnet_tui.domain.context import Context, Permission
from carnet_tui.texts import t


@dataclass(frozen=True)
class Section:
    id: str  # the binding's id and the home menu option's id
    key: str  # as Textual names it: "alt+a", "f5"
    key_display: str  # as the key bar, the menu and the help show it
    title: str  # text key of its name (menu, palette)
    help: str  # text key of one line saying what it does (palette, F1)
    permission: Permission | None  # None: anyone signed in
    action: str = ""  # an action of the app, or…
    screen: str = ""  # …"package.module:ScreenClass", pushed over the home screen
    group: str = "home.menu.sales"  # text key of the home menu's group
    also: tuple[str, ...] = ()  # more keys, not shown (Caps Lock turns Alt+A into Alt+Shift+A)
    footer: str = ""  # text key of the key bar's short word ("" : the title)
    in_footer: bool = True  # False: in the menu, the palette and the help only (a full key bar)
    opens: str = ""  # the id of the screen it shows, when not "<id>-screen"

    @property
    def run(self) -> str:
        """The binding's action string."""
        return self.action or f"open_section('{self.id}')"

    @property
    def screen_id(self) -> str:
        return self.opens or f"{self.id}-screen"

    def allowed(self, ctx: Context | None) -> bool:
        return ctx is not None and (self.permission is None or ctx.can(self.permission))


SECTIONS: tuple[Section, ...] = (
    Section("open-sale", "alt+a", "Alt+A", "section.sale", "section.sale.help", Permission.SELL,
            action="open_sale", also=("alt+shift+a",), footer="key.open_sale", opens="sale-screen"),
    Section("open-history", "f5", "F5", "section.history", "section.history.help", Permission.SELL,
            action="open_history", footer="key.history", opens="history-screen"),
    Section("till", "alt+r", "Alt+R", "section.till", "section.till.help", Permission.SELL,
            screen="carnet_tui.ui.screens.till:TillScreen", group="section.group.till",
            also=("alt+shift+r",), in_footer=False),
    Section("reports", "alt+z", "Alt+Z", "section.reports", "section.reports.help", Permission.SELL,
            screen="carnet_tui.ui.screens.reports:ReportsScreen", group="section.group.till",
            in_footer=False),
    Section("door", "alt+c", "Alt+C", "section.door", "section.door.help", Permission.DOOR,
            screen="carnet_tui.ui.screens.door:DoorScreen", group="section.group.door",
            also=("alt+shift+c",), in_footer=False),
    Section("bo-models", "alt+g", "Alt+G", "bo.section.models", "bo.section.models.help",
            Permission.BACK_OFFICE, action="open_models", group="bo.section.group",
            in_footer=False, opens="bo-models-screen"),
    Section("bo-clients", "alt+k", "Alt+K", "bo.section.clients", "bo.section.clients.help",
            Permission.BACK_OFFICE, action="open_clients", group="bo.section.group",
            in_footer=False, opens="bo-clients-screen"),
    Section("lock", "alt+l", "Alt+L", "section.lock", "section.lock.help", None,
            action="lock", group="section.group.session", in_footer=False),
    Section("change-cashier", "f12", "F12", "section.change_cashier", "section.change_cashier.help",
            None, action="change_cashier", group="section.group.session", in_footer=False),
)


def by_id(section_id: str) -> Section | None:
    return next((s for s in SECTIONS if s.id == section_id), None)


def by_action(action: str, parameters: tuple[object, ...] = ()) -> Section | None:
    """The section a binding's action (with its parameters) opens, if it is one."""
    if action == "open_section" and parameters:
        return by_id(str(parameters[0]))
    return next((s for s in SECTIONS if s.action and s.action == action), None)


def allowed(ctx: Context | None) -> list[Section]:
    return [s for s in SECTIONS if s.allowed(ctx)]


def bindings() -> list[Binding]:
    """The app's priority bindings, one a section (and its hidden extra keys)."""
    found: list[Binding] = []
    for s in SECTIONS:
        found.append(Binding(s.key, s.run, t(s.footer or s.title), key_display=s.key_display,
                             show=s.in_footer, priority=True, id=s.id))
        for n, key in enumerate(s.also):
            found.append(Binding(key, s.run, t(s.footer or s.title), show=False, priority=True,
                                 id=f"{s.id}-{'caps' if n == 0 else n}"))
    return found


def help_lines(ctx: Context | None) -> str:
    """The sections' part of F1's help: what the signed-in role may open, key first."""
    return "\n".join(f"{s.key_display:<17}{t(s.help)}" for s in allowed(ctx))

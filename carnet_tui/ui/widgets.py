"""Small widgets of the carnet screens: a one-line choice bar, quiet inputs, the sold table."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.events import Key, Paste
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList

from carnet_tui.domain.text import strip_controls
from carnet_tui.texts import t


async def drain(widget: Widget | None) -> None:
    """Let ``widget`` handle the keys already routed to it (its queue) before acting on a key
    that was handled ahead of them (a priority binding such as F4 or a dialog's Enter)."""
    if widget is None:
        return
    done = asyncio.Event()
    widget.call_later(done.set)
    await done.wait()


class ImmediateKeys:
    """Run the widget's own key bindings as the key arrives, in order with the keys around it.

    Textual resolves a focused widget's (non-priority) bindings only once the key has bubbled up to
    the App, against whatever has the focus by then. Keys that arrive together (SSH delivers a
    burst after a stall) then come out of order: "3651", 4×Backspace, "30" gave "3630", and a
    second ↓ could move the list that had just taken the focus. Handling the widget's own bindings
    here keeps each key on the widget it was typed into, in the order typed.
    """

    async def _on_key(self, event: Key) -> None:
        touched = getattr(self.screen, "line_touched", None)  # type: ignore[attr-defined]
        if touched is not None:
            touched(self)
        for binding in self._bindings.key_to_bindings.get(event.key, ()):  # type: ignore[attr-defined]
            if binding.priority:
                continue
            event.stop()
            event.prevent_default()
            await self.run_action(binding.action)  # type: ignore[attr-defined]
            return


class KeyList(ImmediateKeys, OptionList):
    """OptionList whose arrows and Enter act in the order typed."""


class KeyTable(ImmediateKeys, DataTable):
    """DataTable whose arrows and Enter act in the order typed."""


class QuietInput(ImmediateKeys, Input):
    """An Input that never blinks (an idle screen sends nothing over SSH); keys act in order."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        # the classes Input's constructor adds one at a time, given at once: each addition to a widget
        # not yet mounted is a styling pass for nothing (≈1 ms each, a window opens slower)
        ready = "-valid -textual-compact" if kwargs.get("compact") else "-valid"
        kwargs["classes"] = f"{kwargs.get('classes') or ''} {ready}".strip()
        # and `compact` held as set (Textual's storage of a reactive): its default would take the class
        # away, the constructor put it back, two more passes
        self._reactive_compact = bool(kwargs.get("compact"))
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

    def _watch_value(self, value: str) -> None:
        # Textual sets ``virtual_size`` (a layout reactive) to the text's width at every key: a layout
        # pass of the whole window per key typed. Our inputs have fixed sizes; the scroll range only
        # needs the new width, so it is set without asking for a layout (a repaint follows anyway).
        if not self.styles.auto_dimensions:
            self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)  # type: ignore[misc]

    class TooLong(Message):
        """A paste refused because it would pass the field's length (the app says it, ui/app.py)."""

        def __init__(self, field: QuietInput) -> None:
            super().__init__()
            self.field = field

    def _on_paste(self, event: Paste) -> None:
        # a paste may carry ESC and other controls (a name copied from anywhere): they would reach
        # the terminal as the field repaints. Input's own handler, next in the MRO, inserts the rest.
        text = strip_controls(event.text)
        lines = text.splitlines()
        event.text = lines[0] if lines else ""
        if self.max_length:
            start, end = sorted(self.selection)
            if len(self.value) - (end - start) + len(event.text) > self.max_length:
                # Textual's Input drops such a paste whole with only a bell (often silent over SSH)
                event.prevent_default()
                event.stop()
                self.app.bell()
                self.post_message(self.TooLong(self))


class PinInput(QuietInput):
    """A PIN: digits only, 8 at most, shown as stars (Textual's • is not in every console font).
    ↑/↓ choose the name the PIN is for (the screen's ``move_name``), instead of scrolling."""

    BINDINGS = [
        Binding("up", "screen.move_name(-1)", show=False),
        Binding("down", "screen.move_name(1)", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(password=True, restrict=r"[0-9]*", max_length=8, compact=True, id=id)

    @property
    def _value(self) -> Text:
        return Text("*" * len(self.value), no_wrap=True, overflow="ignore", end="")


class ChoiceBar(ImmediateKeys, Widget, can_focus=True):
    """One line of choices: ←/→ or a letter picks one. Takes one row where a RadioSet takes five."""

    BINDINGS = [
        Binding("left", "move(-1)", show=False),
        Binding("right", "move(1)", show=False),
    ]

    index: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, bar: ChoiceBar, value: str) -> None:
            super().__init__()
            self.bar = bar
            self.value = value

        @property
        def control(self) -> ChoiceBar:
            return self.bar

    def __init__(
        self,
        choices: Sequence[tuple[str, str]],
        letters: dict[str, str] | None = None,
        value: str | None = None,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.choices = list(choices)
        self.letters = {k.lower(): v for k, v in (letters or {}).items()}
        if value is not None:
            self.set_reactive(ChoiceBar.index, self._index_of(value))

    def _index_of(self, value: str) -> int:
        return next(i for i, (v, _) in enumerate(self.choices) if v == value)

    @property
    def value(self) -> str:
        return self.choices[self.index][0]

    @value.setter
    def value(self, value: str) -> None:
        self.index = self._index_of(value)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        for i, (_, label) in enumerate(self.choices):
            if i == self.index:
                text.append(f"[{label}]", style="reverse bold" if self.has_focus else "bold underline")
            else:
                text.append(f" {label} ")
            text.append(" ")
        return text

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 1

    def watch_index(self, old: int, new: int) -> None:
        if old != new:
            self.post_message(self.Changed(self, self.value))

    def action_move(self, step: int) -> None:
        self.index = (self.index + step) % len(self.choices)

    def on_key(self, event: Key) -> None:
        char = (event.character or "").lower()
        if char and char in self.letters:
            event.stop()
            event.prevent_default()
            self.value = self.letters[char]

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class SoldTable(KeyTable):
    """The bottom table; F7, Shift+F10 and Delete act on its row."""

    BINDINGS = [
        Binding("f7", "screen.row_actions", t("key.actions"), key_display="F7", priority=True),
        Binding("shift+f10", "screen.row_actions", t("key.actions"), show=False, priority=True),
        Binding("delete", "screen.void_row", t("key.void"), key_display=t("keycap.delete"), priority=True),
    ]


class KeyBar(Widget):
    """The footer on two lines: every action of the focused zone fits in 80 columns.

    Textual's Footer keeps to one line and cuts what does not fit; a cashier must see every key.
    """

    DEFAULT_CSS = """
    KeyBar { height: auto; max-height: 2; dock: bottom; }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    _shown: list[tuple[str, str, bool]] | None = None

    def _bindings_changed(self, screen: object) -> None:
        # every focus change signals new bindings; most zones show the same keys: repainting the
        # bar (two rows, ≈ 1.4 kB over SSH) only when they differ. Its height is fixed (2): no layout.
        if self.is_attached and screen is self.screen and self.items() != self._shown:
            self.refresh()

    def items(self) -> list[tuple[str, str, bool]]:
        seen: set[str] = set()
        items = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            items.append((self.app.get_key_display(binding), binding.description, enabled))
        if self.app.ENABLE_COMMAND_PALETTE:
            items.append(("^P", t("key.palette"), True))
        return items

    def render(self) -> Text:
        # packed by hand: an item ("F8 Finaliser") is never split across the two lines
        width = max(self.size.width, 20)
        text = Text(no_wrap=True, overflow="crop")
        column = 0
        self._shown = self.items()
        for key, description, enabled in self._shown:
            size = len(key) + 1 + len(description)
            if column and column + 2 + size > width:
                text.append("\n")
                column = 0
            elif column:
                text.append("  ")
                column += 2
            style = "" if enabled else "dim"
            text.append(key, style=f"bold reverse {style}".strip())
            text.append(f" {description}", style=style)
            column += size
        return text

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 2


class Gauge(Widget):
    """A progress bar drawn with █ and ░, which every console font has (Textual's uses ━ and ╸)."""

    DEFAULT_CSS = "Gauge { height: 1; }"

    done: reactive[int] = reactive(0)
    total: reactive[int] = reactive(1)

    def render(self) -> Text:
        width = max(self.size.width - 1, 4)
        filled = width * self.done // max(self.total, 1)
        return Text("█" * filled + "░" * (width - filled))

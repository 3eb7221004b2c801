"""Text is data on screen: a name, a reason or a message built with them is shown as written.

Textual parses markup in a ``str`` given to Static/Label, ``border_title``/``border_subtitle``, an
Option's prompt, a DataTable cell or column, a Button label and ``notify``: ``Ali [VIP]`` would
show as "Ali", ``[/]`` raises ``MarkupError`` at every repaint, ``[@click=app.quit]`` quits on a
click and ``[link=…]`` sends a link to the terminal. A ``Content`` (or a rich ``Text``) is never
parsed, so every text shown goes through ``literal``. Our own French texts hold no markup either.

Texts are cleaned where they enter (``domain.text.clean_text``); ``literal`` also drops what could
still command the terminal (ESC and the other controls, bidi overrides) from whatever it is given:
an old store, a printer's error message. Line breaks stay (dialog bodies, the billets' preview).
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from carnet_tui.domain.text import fit_cells, strip_controls


def literal(text: object, width: int | None = None) -> Content:
    """``text`` shown as written (never markup); on one line of ``width`` terminal cells when given."""
    shown = strip_controls(text)
    if width is not None:
        shown = fit_cells(" ".join(shown.split()), width)
    return Content(shown)


def literal_cell(text: object, style: str = "") -> Text:
    """A DataTable cell shown as written (the table parses a ``str`` as markup, not a ``Text``)."""
    return Text(strip_controls(text), style=style, no_wrap=True, overflow="crop")

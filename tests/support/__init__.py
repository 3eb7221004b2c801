"""Helpers shared by the tests (scenarios, readers, checks): imported, never collected."""

# The hostile texts of DESIGN.md, "Text is data": every text field of every entity is tried with each.
HOSTILE_TEXTS: tuple[str, ...] = (
    "[/]",
    "[bold red]x[/]",
    "[@click=app.quit]x",
    "[link=file:///etc/passwd]x",
    "\x1b]0;t\x07",
    "\x1b]52;c;eA==\x07",
    "\x1bp\x00\x19\x19",
    "\x1dVA",
    "\x1b@",
    "A\u202eB",
    "x" * 10_000,
    "北京市朝阳区",
    "👨‍👩‍👧 🎉",
)

"""People of the tests: users with known PINs, a signed-in context, the desk's till opened, and the
keys a real terminal sends to sign in. Real services only (``services.people``, ``services.till``)."""

from __future__ import annotations

from datetime import date

from carnet_tui.domain.context import Context

PIN = "1234"
DESK = "Caisse 1"  # settings.CounterSettings' default desk
CASHIER = "amina"
RESPONSABLE = "karim"
ADMIN = "nadia"
CONTROLEUR = "youssef"
ROLES = {CASHIER: "caissier", RESPONSABLE: "responsable", ADMIN: "admin", CONTROLEUR: "contrôleur"}
SIGN_IN_KEYS = PIN.encode() + b"\r"  # the PIN and Enter, as a terminal sends them


def add_people(names: dict[str, str] | None = None, pin: str = PIN) -> None:
    """``names``: name → role (all four roles by default); those already there are kept.
    The store must be connected."""
    from carnet_tui.services import people

    known = {user.name for user in people.list_users()}
    for name, role in (names or ROLES).items():
        if name not in known:
            people.add_user(name, role, pin)


def signed_in(name: str = CASHIER, *, desk: str = DESK, today: date | None = None,
              open_till: bool = True, pin: str = PIN) -> Context:
    """``name`` signed in at ``desk`` (added as a caissier if absent), the desk's till opened with an
    empty float when asked and none is open: the context a test hands to ``CarnetApp``."""
    from carnet_tui.services import people, till

    add_people({name: ROLES.get(name, "caissier")}, pin)
    ctx = people.sign_in(name, pin, desk, today=today)
    if open_till and ctx.session_id is None:
        view = till.open_till(ctx, {})
        ctx = ctx.with_session(view.id)
    return ctx


def prepare_store(location: str, names: dict[str, str] | None = None, *, open_till: bool = True) -> None:
    """For a real process started on ``location``: its people, and the till of the default desk
    opened (a payment needs an open session), then the connection closed for the child."""
    from carnet_tui.store import db as store

    store.connect(location)
    try:
        add_people(names)
        if open_till:
            signed_in(next(iter(names or ROLES)), open_till=True)
    finally:
        store.close()


def journal_kinds(since: int = 0) -> list[tuple[str, str]]:
    """(kind, actor) of the journal's rows after ``since``, in order. The store must be connected."""
    from carnet_tui.store.models import JournalEntry

    return [(row.kind, row.actor) for row in
            JournalEntry.select().where(JournalEntry.seq > since).order_by(JournalEntry.seq)]


def journal_head() -> int:
    from carnet_tui.services import journal

    return journal.head()[0]


async def wait_seconds(pilot, condition, seconds: float = 20.0) -> None:  # noqa: ANN001 - a Pilot
    """Pause until ``condition`` holds, for things that take time by design (the idle lock).
    ``seconds`` is a hang guard, not a speed claim."""
    import time

    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("condition never met")
        await pilot.pause(0.05)


async def paid_open_sale(pilot, app) -> None:
    """On the home screen: Alt+A, one manual line, paid in cash to the amount due, the sale left
    open (not closed by F8) with its line in the sold table."""
    from test_ui_support import open_sale, pay_cash, pick_manual_line, wait_until

    await open_sale(pilot)
    await pick_manual_line(pilot, "1")
    await pay_cash(pilot, "")
    await wait_until(pilot, lambda: app.screen.query_one("#sold-table").row_count == 1)

"""A day at the counter, for the tests: staff with PINs, a signed-in context at a desk whose till
is open, a responsable's approval typed with a PIN, the keys a real terminal sends to sign in, and the
journal read back. Real services, a real store.

(Once two modules, ``day`` and ``people``: the names of each are kept as they were, so ``NAMES``
and ``counter_context`` give one person a role while ``ROLES`` and ``signed_in`` give four others.)"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from carnet_tui.domain.context import Approval, Context, Role
from carnet_tui.services import people, till
from carnet_tui.store.models import User

PIN = "1234"
DESK = "Caisse 1"
DAY = date(2019, 12, 20)  # the manual's sale day: carnet numbers hold it
FLOAT: dict[int, int] = {20000: 1, 1000: 5}  # 250,00 DH counted by denominations
# one person a role: the names the tests read back on sales, voids and journal rows
NAMES: dict[Role, str] = {
    Role.CAISSIER: "amina",
    Role.RESPONSABLE: "karim",
    Role.ADMIN: "admin",
    Role.CONTROLEUR: "omar",
}


def staff(names: Mapping[str, Role] | None = None) -> dict[str, people.UserView]:
    """The users (PIN ``PIN``), added once each through ``people.add_user``: by default one a role."""
    wanted = names if names is not None else {name: role for role, name in NAMES.items()}
    for name, role in wanted.items():
        if not User.select().where(User.name == name).exists():
            people.add_user(name, role.value, PIN)
    return {view.name: view for view in people.list_users() if view.name in wanted}


def counter_context(desk: str = DESK, role: Role = Role.CAISSIER, today: date = DAY,
                    name: str | None = None, open_till: bool = True,
                    counts: Mapping[int, object] | None = None) -> Context:
    """Someone of ``role`` signed in at ``desk`` on ``today``; the desk's till opened with a counted
    float unless ``open_till`` is False (or already open: the context then holds that session)."""
    name = name or NAMES[role]
    staff({name: role})
    ctx = people.sign_in(name, PIN, desk, today)
    if open_till and ctx.session_id is None:
        ctx = ctx.with_session(till.open_till(ctx, counts if counts is not None else FLOAT).id)
    return ctx


def approval(ctx: Context, action: str, approver: str | None = None) -> Approval:
    """A responsable's yes to ``ctx``'s ``action``, their PIN typed (``people.approve``)."""
    approver = approver or NAMES[Role.RESPONSABLE]
    staff({approver: Role.RESPONSABLE}) if approver == NAMES[Role.RESPONSABLE] else None
    return people.approve(ctx, approver, PIN, action)


# Another desk as a child process (the drills): its cashier and its open till, without a PIN typed
# (no terminal there). Prepended to the child's script; ``desk_context(desk)`` then gives the context.
CHILD_CONTEXT = '''
from datetime import date as _date
from carnet_tui.domain.context import Context as _Context, Role as _Role, self_approval
from carnet_tui.services import people as _people, till as _till


def desk_context(desk, user="amina"):
    """A responsable at ``desk`` (voids self-approved), its till open (an empty float if it was not)."""
    ctx = _Context(0, user, _Role.RESPONSABLE, desk, _date(2019, 12, 20))
    session = _people.open_session_id(desk)
    if session is None:
        session = _till.open_till(ctx, {}).id
    return ctx.with_session(session)
'''


# the people of the sign-in, approval and pty tests (``add_people``, ``signed_in``)
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
    from support.ui import open_sale, pay_cash, pick_manual_line, wait_until

    await open_sale(pilot)
    await pick_manual_line(pilot, "1")
    await pay_cash(pilot, "")
    await wait_until(pilot, lambda: app.screen.query_one("#sold-table").row_count == 1)

"""A day at the counter, for the tests: staff with PINs, a signed-in context at a desk whose till
is open, and a responsable's approval typed with a PIN. Real services, a real store."""

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

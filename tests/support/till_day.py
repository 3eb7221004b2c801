"""A day at the counter for the tests: the staff, a signed-in cashier, an open till.

Real services only (people, till): the users get real PIN hashes, the sign-in is journaled.
"""

from __future__ import annotations

from datetime import date

from carnet_tui.domain.context import Approval, Context
from carnet_tui.services import people, till
from carnet_tui.store.models import User

DAY = date(2019, 12, 20)
CASHIER, CASHIER_PIN = "amina", "1234"
MANAGER, MANAGER_PIN = "chef", "9876"
DESK = "Caisse 1"


def staff() -> None:
    """A cashier and a responsable (once per store)."""
    if not User.select().where(User.name == CASHIER).exists():
        people.add_user(CASHIER, "caissier", CASHIER_PIN)
        people.add_user(MANAGER, "responsable", MANAGER_PIN)


def cashier(desk: str = DESK, today: date = DAY) -> Context:
    """The cashier signed in at ``desk`` (the desk's open session in the context, if any)."""
    staff()
    return people.sign_in(CASHIER, CASHIER_PIN, desk, today)


def opened(counts: dict[int, int] | None = None, desk: str = DESK, today: date = DAY) -> Context:
    """The cashier signed in, the desk's till opened with ``counts`` (default: 500,00 DH)."""
    ctx = cashier(desk, today)
    view = till.open_till(ctx, counts if counts is not None else {10000: 5})
    return ctx.with_session(view.id)


def approved(ctx: Context, action: str) -> Approval:
    """The responsable's PIN typed in the cashier's dialog."""
    return people.approve(ctx, MANAGER, MANAGER_PIN, action)

"""Helpers of the back-office tests: a signed-in responsable, a dump of the whole store, a sale."""

from __future__ import annotations

from datetime import date

from carnet_tui.domain.context import Approval, Context, self_approval
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.services import people, sales, till
from carnet_tui.store import dialect
from carnet_tui.store.models import TABLES

DAY = date(2019, 12, 20)


def responsable(name: str = "Nadia", today: date = DAY, desk: str = "caisse-1") -> Context:
    people.add_user(name, "responsable", "2468")
    return people.sign_in(name, "2468", desk, today)


def cashier(name: str = "Amina", today: date = DAY, desk: str = "caisse-1") -> Context:
    people.add_user(name, "caissier", "1357")
    return people.sign_in(name, "1357", desk, today)


def yes(ctx: Context) -> Approval:
    """The responsable's own yes (``app.ask_approval`` gives the same when one is signed in)."""
    return self_approval(ctx, "catalog")


def dump() -> dict[str, list[tuple]]:
    """Every row of every table (and of the client search), to compare before and after a refusal."""
    names = [model._meta.table_name for model in TABLES]
    names.append("client_fts" if dialect.current().name == "sqlite" else "client_search")
    result = {}
    for name in names:
        columns = "rowid, *" if name == "client_fts" else "*"
        result[name] = [tuple(str(v) for v in row)
                        for row in dialect.rows(f"SELECT {columns} FROM {name} ORDER BY 1", ())]
    return result


def open_till(ctx: Context) -> Context:
    """The desk's till opened with a 200 DH float; the context to sell with."""
    return ctx.with_session(till.open_till(ctx, {20000: 1}).id)


def sell(ctx: Context, model_id: int, tariff_id: int, kind: str = "A", quantity: str = "1",
         days: str = "30", client_id: int | None = None) -> sales.PaidLine:
    """One line paid by card in a new sale on ``ctx.today``, through the sale service."""
    if ctx.session_id is None:
        ctx = open_till(ctx)
    sale_id = sales.open_sale(ctx)
    request = sales.LineRequest(kind, model_id, tariff_id, quantity, days, client_id)
    return sales.pay_line(ctx, sale_id, request, PaymentInput("card"))


def back_office_app(settings, ctx: Context, today: date = DAY):  # type: ignore[no-untyped-def]
    """The counter app (the back office's actions are among its own), the given person signed in.
    Textual is imported here, not at the module's top."""
    from carnet_tui.ui.app import CarnetApp

    return CarnetApp(settings, today=today, context=ctx)

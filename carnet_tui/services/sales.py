"""A counter sale: open it, pay lines (all or nothing), void a line, close, finalize.

Every write takes the context first (who acts, at which desk, which day, in which till session) and
appends its journal row in its own transaction: a payment and its ``LINE_PAID`` row commit together
or not at all. A void, and finalizing with a carnet not all printed, need a responsable's approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peewee import fn

from carnet_tui.domain import numbering
from carnet_tui.domain.context import Approval, Context, Permission, check_approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import line_total
from carnet_tui.domain.payment import CheckedPayment, PaymentInput, check_payment
from carnet_tui.domain.rules import (
    check_beneficiary_type,
    check_id,
    check_quantity,
    check_validity_days,
    tariff_allows,
    valid_until,
)
from carnet_tui.domain.text import clean_text
from carnet_tui.domain.till import SessionStatus
from carnet_tui.services import journal
from carnet_tui.services.journal import Event
from carnet_tui.store import db as store
from carnet_tui.store import dialect, queries
from carnet_tui.store.models import (
    Billet,
    CarnetModel,
    Client,
    Counter,
    Sale,
    SaleLine,
    Tariff,
    TillSession,
    Void,
    now,
)
from carnet_tui.store.models import Carnet as CarnetRow
from carnet_tui.store.models import Payment as PaymentRow

REASON_MAX = 300


@dataclass(frozen=True)
class LineRequest:
    beneficiary_type: str
    model_id: int
    tariff_id: int
    quantity: object  # as typed; checked here
    validity_days: object
    client_id: int | None = None


@dataclass(frozen=True)
class PaidLine:
    sale_id: int
    sale_number: int
    line_id: int
    carnet_numbers: list[str]
    total_cents: int
    payment: CheckedPayment


@dataclass(frozen=True)
class CarnetStatus:
    carnet_id: int
    number: str
    line_id: int
    sale_id: int
    model_name: str
    client_name: str
    beneficiary_type: str
    tariff_label: str
    unit_price_cents: int
    valid_until: date
    billets_count: int
    billets_sent: int
    billets_pending: int
    voided: bool

    @property
    def print_status(self) -> str:
        """``unprinted``, ``partial`` or ``printed``; ``void`` for a voided line."""
        if self.voided:
            return "void"
        if self.billets_sent == self.billets_count:
            return "printed"
        if self.billets_sent or self.billets_pending:
            return "partial"
        return "unprinted"


def next_in_series(name: str, start: int = 1) -> int:
    """Bump a counter row by upsert inside the caller's transaction: no MAX()+1, no gap."""
    Counter.insert(name=name, value=start).on_conflict(
        conflict_target=[Counter.name], update={Counter.value: Counter.value + 1}
    ).execute()
    return Counter.get_by_id(name).value


def open_sale(ctx: Context) -> int:
    """A sale without a number yet: the number comes with its first paid line. Its cashier and
    desk are the context's."""
    ctx.require(Permission.SELL)
    return store.write(lambda: Sale.create(cashier=ctx.user, desk=ctx.desk).id)


def _open_session(ctx: Context) -> TillSession:
    """The context's till session, open and of its desk (inside the write: a Z meanwhile counts)."""
    session_id = check_id(ctx.session_id, "err.till.no_session", "session")
    row = TillSession.get_or_none(TillSession.id == session_id)
    if row is None or row.status != SessionStatus.OPEN.value or row.desk != ctx.desk:
        raise DomainError("err.till.no_session")
    return row


def _checked_line(request: LineRequest, today: date | None = None
                  ) -> tuple[str, CarnetModel, Tariff, int, int, Client | None]:
    """Every check of a line; ``today`` (the sale day): a tariff outside its period is refused."""
    kind = check_beneficiary_type(request.beneficiary_type)
    quantity = check_quantity(request.quantity)
    days = check_validity_days(request.validity_days)
    model_id = check_id(request.model_id, "err.model.not_found", "model")
    tariff_id = check_id(request.tariff_id, "err.tariff.not_found", "tariff")
    model = CarnetModel.get_or_none(
        (CarnetModel.id == model_id) & (CarnetModel.active == True)  # noqa: E712
    )
    if model is None:
        raise DomainError("err.model.not_found", field="model")
    tariff = Tariff.get_or_none((Tariff.id == tariff_id) & (Tariff.active == True))  # noqa: E712
    if tariff is None:
        raise DomainError("err.tariff.not_found", field="tariff")
    if tariff.model_id != model.id:
        raise DomainError("err.tariff.wrong_model", field="tariff")
    if not tariff_allows(tariff.beneficiary_types, kind):
        raise DomainError("err.tariff.not_for_type", field="tariff", type=kind)
    if today is not None and ((tariff.valid_from is not None and today < tariff.valid_from)
                              or (tariff.valid_to is not None and today > tariff.valid_to)):
        raise DomainError("err.tariff.out_of_period", field="tariff")
    client = None
    if request.client_id is not None:
        client_id = check_id(request.client_id, "err.client.not_found", "client")
        client = Client.get_or_none(Client.id == client_id)
        if client is None or not client.active:  # a merged or deactivated client sells no more
            raise DomainError("err.client.not_found", field="client")
    return kind, model, tariff, quantity, days, client


def quote(request: LineRequest, today: date | None = None) -> int:
    """The line's total, with every check that paying would make."""
    _, _, tariff, quantity, _, _ = _checked_line(request, today)
    return line_total(tariff.price_cents, quantity)


def pay_line(ctx: Context, sale_id: int, request: LineRequest, payment: PaymentInput) -> PaidLine:
    """Save the line, its payment (in the desk's open till session), carnets, billets and the
    journal's row in one transaction, or nothing at all. The sale's day is ``ctx.today``."""
    ctx.require(Permission.SELL)
    if ctx.session_id is None:  # said before the line's checks: no till, no sale at all
        raise DomainError("err.till.no_session")
    sale_id = check_id(sale_id, "err.sale.not_found", "sale")
    kind, model, tariff, quantity, days, client = _checked_line(request, ctx.today)
    total = line_total(tariff.price_cents, quantity)
    checked = check_payment(payment, total)

    def transaction() -> PaidLine:
        session = _open_session(ctx)
        sale = Sale.get_or_none(Sale.id == sale_id)
        if sale is None:
            raise DomainError("err.sale.not_found")
        if sale.status != "open":
            raise DomainError("err.sale.closed")
        if sale.number is None:
            sale.number = next_in_series("sale")
            sale.sale_date = ctx.today
            sale.save()
        sale_date = sale.sale_date
        position = SaleLine.select().where(SaleLine.sale == sale).count() + 1
        line = SaleLine.create(
            sale=sale,
            position=position,
            client=client,
            beneficiary_type=kind,
            model=model,
            tariff=tariff,
            model_name=model.name,
            tariff_label=tariff.label,
            unit_price_cents=tariff.price_cents,
            quantity=quantity,
            validity_days=days,
            valid_until=valid_until(sale_date, days),
            total_cents=total,
        )
        paid = PaymentRow.create(
            line=line,
            method=checked.method,
            amount_cents=checked.amount_cents,
            tendered_cents=checked.tendered_cents,
            change_cents=checked.change_cents,
            cheque_number=checked.cheque_number,
            reference=checked.reference,
            session=session,
        )
        first_index = CarnetRow.select().where(CarnetRow.sale == sale).count()
        numbers = []
        billets = []
        for offset in range(quantity):
            number = numbering.carnet_number(sale_date, sale.number, first_index + offset)
            carnet = CarnetRow.create(
                sale=sale,
                line=line,
                index=first_index + offset,
                number=number,
                billets_count=model.billets_count,
                valid_from=sale_date,
                valid_until=line.valid_until,
            )
            numbers.append(number)
            billets.extend(
                {
                    "carnet": carnet.id,
                    "seq": seq,
                    "number": numbering.billet_number(number, seq, model.billets_count),
                }
                for seq in range(1, model.billets_count + 1)
            )
        step = dialect.current().insert_rows  # the store caps bound variables per statement
        for start in range(0, len(billets), step):
            Billet.insert_many(billets[start : start + step]).execute()
        # what journal.verify checks against the payment row: payment, line, method, amounts, session
        journal.record(ctx, Event.LINE_PAID, {
            "payment": paid.id, "line": line.id, "method": checked.method,
            "amount": checked.amount_cents, "tendered": checked.tendered_cents,
            "change": checked.change_cents, "session": session.id, "sale": sale.number,
            "carnets": numbers,
        })
        return PaidLine(sale.id, sale.number, line.id, numbers, total, checked)

    return store.write(transaction)


def void_line(ctx: Context, line_id: int, reason: str, approval: Approval | None) -> None:
    """Void a paid line of a sale not yet closed, approved by a responsable. Its numbers stay,
    void, forever; who asked and who approved are on the Void row and in the journal."""
    ctx.require(Permission.SELL)
    approved = check_approval(ctx, approval, "void")
    reason = clean_text(reason)
    if not reason:
        raise DomainError("err.void.reason_required", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError("err.text.too_long", field="reason", max=REASON_MAX)

    def transaction() -> None:
        line = SaleLine.get_or_none(SaleLine.id == check_id(line_id, "err.line.not_found", "line"))
        if line is None:
            raise DomainError("err.line.not_found")
        if line.voided:
            raise DomainError("err.line.already_void")
        if line.sale.status != "open":
            raise DomainError("err.sale.closed")
        # its money was counted in a Z already: a refund now would leave the next drawer short
        paid_in = TillSession.select().join(PaymentRow, on=(PaymentRow.session == TillSession.id)).where(
            (PaymentRow.line == line.id) & (TillSession.status != SessionStatus.OPEN.value))
        if paid_in.exists():
            raise DomainError("err.till.closed")
        line.voided = True
        line.save()
        void = Void.create(line=line, reason=reason, voided_by=ctx.user,
                           approved_by=approved.approved_by)
        journal.record(ctx, Event.LINE_VOIDED, {
            "void": void.id, "line": line.id, "reason": reason, "amount": line.total_cents,
            "sale": line.sale.number,
        }, approved)

    store.write(transaction)


def close_sale(ctx: Context, sale_id: int) -> list[CarnetStatus]:
    """Lock the sale; returns its carnets to print, in order."""
    ctx.require(Permission.SELL)
    sale_id = check_id(sale_id, "err.sale.not_found", "sale")

    def transaction() -> None:
        sale = Sale.get_or_none(Sale.id == sale_id)
        if sale is None:
            raise DomainError("err.sale.not_found")
        if sale.status != "open":
            raise DomainError("err.sale.closed")
        paid = SaleLine.select().where((SaleLine.sale == sale) & (SaleLine.voided == False))  # noqa: E712
        if not paid.exists():
            raise DomainError("err.sale.empty")
        sale.status = "closed"
        sale.closed_at = now()
        sale.save()
        total = sum(line.total_cents for line in paid)
        journal.record(ctx, Event.SALE_CLOSED, {"sale": sale.number, "sale_id": sale.id,
                                                "total": total})

    store.write(transaction)
    return [c for c in sale_carnets(sale_id) if not c.voided]


def unprinted_numbers(sale_id: int) -> list[str]:
    """The sale's carnets of lines not voided whose billets were not all sent, in order."""
    return [c.number for c in sale_carnets(sale_id) if not c.voided and c.billets_sent < c.billets_count]


def finalize_sale(ctx: Context, sale_id: int, approval: Approval | None = None) -> None:
    """The green button. A sale with no paid line is simply dropped: it never had a number. A
    carnet left with billets unsent needs a responsable's approval (``finalize_unprinted``)."""
    ctx.require(Permission.SELL)
    sale_id = check_id(sale_id, "err.sale.not_found", "sale")

    def transaction() -> None:
        sale = Sale.get_or_none(Sale.id == sale_id)
        if sale is None:
            raise DomainError("err.sale.not_found")
        if sale.status == "finalized":
            raise DomainError("err.sale.already_finalized")
        if sale.status == "open":
            lines = SaleLine.select().where(SaleLine.sale == sale)
            if not lines.exists():
                sale.delete_instance()  # never paid: it never had a number
                return
            if lines.where(SaleLine.voided == False).exists():  # noqa: E712
                raise DomainError("err.sale.not_closed")
            # every line voided: nothing to print, the sale (and its number) ends here, void
        unprinted = unprinted_numbers(sale.id)  # read under the write lock: no print slips in
        approved = check_approval(ctx, approval, "finalize_unprinted") if unprinted else None
        sale.status = "finalized"
        sale.finalized_at = now()
        sale.save()
        data: dict[str, object] = {"sale": sale.number, "sale_id": sale.id}
        if unprinted:
            data["unprinted"] = unprinted
        journal.record(ctx, Event.SALE_FINALIZED, data, approved)

    store.write(transaction)


@dataclass(frozen=True)
class SaleView:
    id: int
    number: int | None
    status: str
    sale_date: date | None
    cashier: str
    total_cents: int  # paid lines, voided ones excluded


def get_sale(sale_id: int) -> SaleView:
    sale_id = check_id(sale_id, "err.sale.not_found", "sale")
    sale = Sale.get_or_none(Sale.id == sale_id)
    if sale is None:
        raise DomainError("err.sale.not_found")
    total = (
        SaleLine.select(fn.COALESCE(fn.SUM(SaleLine.total_cents), 0))
        .where((SaleLine.sale == sale) & (SaleLine.voided == False))  # noqa: E712
        .scalar()
    )
    return SaleView(sale.id, sale.number, sale.status, sale.sale_date, clean_text(sale.cashier), total)




def _carnet_statuses(where: str, params: tuple[object, ...]) -> list[CarnetStatus]:
    result = []
    for row in dialect.rows(queries.CARNETS.format(where=where), params):
        until = row[9] if isinstance(row[9], date) else date.fromisoformat(str(row[9]))
        result.append(
            CarnetStatus(
                carnet_id=row[0],
                number=row[1],
                line_id=row[2],
                sale_id=row[3],
                model_name=clean_text(row[4]),  # an old store may hold what was never cleaned
                client_name=clean_text(row[5]),
                beneficiary_type=row[6],
                tariff_label=clean_text(row[7]),
                unit_price_cents=row[8],
                valid_until=until,
                billets_count=row[10],
                billets_sent=int(row[11] or 0),
                billets_pending=int(row[12] or 0),
                voided=bool(row[13]),
            )
        )
    return result


def sale_carnets(sale_id: int) -> list[CarnetStatus]:
    """The sale's carnets in numbering order, with how many billets were sent."""
    sale_id = check_id(sale_id, "err.sale.not_found", "sale")
    return _carnet_statuses("c.sale_id = ?", (sale_id,))


def carnet_status(carnet_id: int) -> CarnetStatus:
    carnet_id = check_id(carnet_id, "err.line.not_found", "carnet")
    found = _carnet_statuses("c.id = ?", (carnet_id,))
    if not found:
        raise DomainError("err.line.not_found")
    return found[0]


# --- the sales history (a list of past sales) -------------------------------------------------------

SALE_LIST_MAX = 1000
FILTER_MAX = 40
_FILTER_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-")


@dataclass(frozen=True)
class SaleSummary:
    id: int
    number: int
    sale_date: date | None
    cashier: str
    status: str  # open | closed | finalized
    total_cents: int  # paid lines, voided ones excluded
    billets_sent: int  # of the carnets of lines not voided
    billets_count: int




def recent_sales(limit: int = 200, number_filter: str = "") -> list[SaleSummary]:
    """Numbered sales, newest first. ``number_filter``: digits match the start of the sale number
    ("81" → 81, 810…819, 8100…); with a dash or a letter, a part of a carnet number ("815A",
    "20191220-815"). Text that no number can hold (other characters, too long) matches nothing."""
    limit = limit if isinstance(limit, int) and not isinstance(limit, bool) else 200
    limit = max(1, min(limit, SALE_LIST_MAX))
    # no clean_text here: the allow-list below is stricter (a control character matches nothing)
    text = str(number_filter or "").strip().upper()
    where, params = "", []
    if text:
        if len(text) > FILTER_MAX or not set(text) <= _FILTER_CHARS:
            return []
        if text.isdigit():
            where = "AND CAST(s.number AS TEXT) LIKE ?"
            params.append(text.lstrip("0") + "%" if text.lstrip("0") else "0")
        else:  # only digits, letters and dashes got here: no LIKE wildcard can be in the text
            where = "AND s.id IN (SELECT sale_id FROM carnet WHERE number LIKE ?)"
            params.append(f"%{text}%")
    result = []
    for row in dialect.rows(queries.SALE_SUMMARIES.format(where=where), (*params, limit)):
        day = row[2]
        if day is not None and not isinstance(day, date):
            day = date.fromisoformat(str(day))
        result.append(SaleSummary(row[0], row[1], day, clean_text(row[3]), row[4], row[5], int(row[6]),
                                  int(row[7])))
    return result

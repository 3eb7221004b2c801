"""Printing, as the UI calls it (from a worker thread): billets, receipt, invoice, reprints, history.

The journal, and the rule a cashier and a manager can rely on:
- Each billet's original print is journaled on its row: ``unprinted`` → ``pending`` (committed
  before its bytes leave) → ``sent`` (committed once the printer took them: for a serial or network
  printer, once the OS output queue drained). Each attempt also gets a ``PrintJournal`` row
  (pending → sent | failed).
- ``print_carnet`` resumes at the first billet not ``sent``. A billet found ``pending`` (a failure
  or a crash while its bytes were leaving) may have come out whole, in part, or not at all; nobody
  can tell. It is therefore printed again **marked DUPLICATA**, logged in the sale's history
  ("reprise après incident") and then set ``sent``. So: **a billet number never comes out twice
  without DUPLICATA on the second copy**, and a billet without DUPLICATA is always the first copy.
- Reprints of billets are always DUPLICATA, need a reason and a responsable's approval
  (``reprint``), are logged before their bytes leave (both names, in the sale's history and the
  journal), and are refused for a billet never printed (print the carnet first: an original must
  exist).
- Receipt and invoice: the original is journaled like a billet: "original non confirmé" before
  its bytes leave, "original" once the printer took them, "original en échec" on a known failure
  (a torn ticket is no document: the next attempt prints the original again). After a crash the
  row stays unconfirmed and the next print is a DUPLICATA. Every later print is DUPLICATA, needs
  a reason and a responsable's approval, is logged first. The invoice number is allocated with
  the Invoice row in one transaction at the first print request, per year of issue (the context's
  day), gap-free (F2026-00001).
- Nothing prints for a sale not closed (committed and locked), nor for a voided line's carnets.
- The inalterable journal (``services.journal``) gets one row a carnet's print run
  (``BILLETS_PRINTED``: first and last billet sent, DUPLICATA or not, the device), one an original
  receipt or invoice confirmed (or failed), one a reprint (``REPRINT``), each in the write that
  does it. Who prints is the context (``ctx``) every entry point takes first.
- Two desks, one carnet: a print run holds the carnet's lease (``print_lease``); another desk is
  refused (``err.print.elsewhere``) and not offered it until the lease ends or expires.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from carnet_tui.domain.context import Approval, Context, Permission, check_approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.numbering import invoice_number
from carnet_tui.domain.rules import check_id
from carnet_tui.domain.text import clean_text
from carnet_tui.printing import layouts
from carnet_tui.printing.devices import Device, DeviceError, open_device
from carnet_tui.printing.layouts import BilletData, LayoutError, Page
from carnet_tui.services import door, journal
from carnet_tui.services.journal import Event
from carnet_tui.services.print_lease import CarnetLease
from carnet_tui.services.sales import next_in_series
from carnet_tui.services.unfinished import unfinished_carnets  # noqa: F401 - its callers' name
from carnet_tui.settings import Settings
from carnet_tui.store import db as store
from carnet_tui.store.models import (
    Billet,
    Carnet,
    Invoice,
    PrintJournal,
    ReprintLog,
    Sale,
    SaleLine,
    Void,
    now,
)
from carnet_tui.texts import t

REASON_MAX = 300
PRINTABLE = ("closed", "finalized")
ORIGINAL, DUPLICATE = "original", "duplicata"
# an original sent but not yet confirmed (a crash may come in between): the next print is a DUPLICATA
UNCONFIRMED, FAILED = "original non confirmé", "original en échec"

Progress = Callable[[int, int], None]


class PrinterError(Exception):
    """The printer failed; ``message`` says what in French, ``kind`` for the UI's choices."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _printer_error(err: DeviceError, settings: Settings) -> PrinterError:
    params = {
        "device": err.device,
        "url": err.device,
        "seconds": f"{settings.printer.write_timeout_s:g}",
        "detail": err.detail,
    }
    return PrinterError(err.kind, t(f"print.err.{err.kind}", **params))


def _page(settings: Settings) -> Page:
    page = Page.from_settings(settings.printer)
    try:
        layouts.render_bytes([], page)  # checks the profile knows the code page
    except LayoutError as exc:
        raise PrinterError("settings", str(exc)) from exc
    return page


# one document at a time from this process: a reprint running in the background and a carnet
# started meanwhile would otherwise interleave their bytes on the same line
_ONE_DOCUMENT = threading.RLock()


@contextlib.contextmanager
def _printer(settings: Settings) -> Iterator[Device]:
    """The open printer, held for the whole document; a printer that says "no paper" is refused."""
    with _ONE_DOCUMENT, _open_printer(settings) as device:
        yield device


@contextlib.contextmanager
def _open_printer(settings: Settings) -> Iterator[Device]:
    try:
        device = open_device(settings.printer, settings.data_dir)
    except DeviceError as err:
        raise _printer_error(err, settings) from err
    try:
        state = device.status()
        if state in ("no_paper", "offline"):
            raise DeviceError(state, device.name)
        yield device
    except DeviceError as err:
        device.close(discard=True)
        raise _printer_error(err, settings) from err
    except BaseException:
        device.close(discard=True)
        raise
    else:
        device.close()


def _reason(reason: str) -> str:
    reason = clean_text(reason)
    if not reason:
        raise DomainError("err.print.reason_required", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError("err.text.too_long", field="reason", max=REASON_MAX)
    return reason


class _Run:
    """One carnet's print run (original or DUPLICATA), journaled as one row (``BILLETS_PRINTED``)
    in the write that ends it: its last billet's ``sent``, or its failure. Not one row a billet:
    the journal stays small and its chain quick to verify."""

    def __init__(self, ctx: Context, carnet: Carnet, duplicate: bool, device: str = "") -> None:
        self.ctx = ctx
        self.carnet = carnet
        self.duplicate = duplicate  # a reprint: every billet DUPLICATA
        self.device = device
        self.first: int | None = None
        self.last: int | None = None
        self.duplicates: set[int] = set()  # billets of an original run printed again after an incident
        self.recorded = False

    def note(self, seq: int, duplicate: bool) -> None:
        # idempotent: a write retried after a busy lock runs this again
        self.first = seq if self.first is None else min(self.first, seq)
        self.last = seq if self.last is None else max(self.last, seq)
        if duplicate and not self.duplicate:
            self.duplicates.add(seq)

    def record(self, error: str = "") -> None:
        """Inside the write that ends the run."""
        data: dict[str, object] = {
            "carnet": self.carnet.number, "sale": self.carnet.sale.number, "first": self.first,
            "last": self.last, "duplicate": self.duplicate, "device": self.device[:120],
        }
        if self.duplicates:
            data["duplicates"] = sorted(self.duplicates)
        if error:
            data["error"] = error[:200]
        journal.record(self.ctx, Event.BILLETS_PRINTED, data)
        self.recorded = True

    def record_if_open(self, error: str) -> None:
        """A run cut by something else than the printer (the lease lost, a storage fault): the
        billets it sent are journaled all the same, in a write of their own."""
        if not self.recorded and self.first is not None:
            with contextlib.suppress(Exception):
                store.write(lambda: self.record(error))


def _find_sale(sale_id: object) -> Sale | None:
    # an id SQLite cannot hold (huge, float, text) would raise OverflowError in the query: refuse it
    return Sale.get_or_none(Sale.id == check_id(sale_id, "err.sale.not_found", "sale"))


def _find_carnet(carnet_id: object) -> Carnet | None:
    return Carnet.get_or_none(Carnet.id == check_id(carnet_id, "err.print.carnet_not_found", "carnet"))


def _printable_sale(sale: Sale | None) -> Sale:
    if sale is None:
        raise DomainError("err.sale.not_found")
    if sale.status not in PRINTABLE:
        raise DomainError("err.print.sale_not_closed")
    return sale


def _printable_carnet(carnet_id: int) -> Carnet:
    carnet = _find_carnet(carnet_id)
    if carnet is None:
        raise DomainError("err.print.carnet_not_found")
    if carnet.line.voided:
        raise DomainError("err.print.voided")
    _printable_sale(carnet.sale)
    return carnet


def _billet_data(carnet: Carnet, billet: Billet, settings: Settings, duplicate: bool) -> BilletData:
    line = carnet.line
    return BilletData(
        venue_name=settings.venue.name,
        model_name=line.model_name,
        carnet_number=carnet.number,
        billet_number=billet.number,
        seq=billet.seq,
        count=carnet.billets_count,
        client_name=line.client.name if line.client_id else "",
        beneficiary_label=t(f"beneficiary.{line.beneficiary_type}"),
        valid_until=carnet.valid_until,
        duplicate=duplicate,
        qr=door.qr_text(billet.number),  # signed: the door refuses a billet made by anyone else
    )


def _send_billet(
    device: Device,
    billet_id: int,
    render: Callable[[bool], bytes],
    run: _Run,
    always_duplicate: bool = False,
    log: dict | None = None,
    lease: CarnetLease | None = None,
    last: bool = False,
    approval: Approval | None = None,
) -> bool:
    """One billet through the journal: claimed (committed) → bytes → sent, or failed and raise.

    The claim reads the billet's state inside the write transaction, so two desks (or a desk and
    a restart) racing on one carnet cannot both print it as an original: whoever comes second
    sees it pending or sent and prints a DUPLICATA or nothing. Returns False when already sent.
    ``last``: the run's last billet, whose ``sent`` write journals the run. ``log`` (a reprint's
    history row) is journaled as a ``REPRINT`` with its ``approval``.
    """

    def claim() -> tuple[int, bool, int] | None:
        if lease is not None:
            lease.hold()  # renewed, or refused: another desk took the carnet over meanwhile
        billet = Billet.get_by_id(billet_id)
        if billet.print_state == "sent" and not always_duplicate:
            return None
        duplicate = always_duplicate or billet.print_state == "pending"
        if billet.print_state == "unprinted":
            billet.print_state = "pending"
            billet.save()
        if log:
            ReprintLog.create(**log)
            journal.record(run.ctx, Event.REPRINT, {
                "kind": log["what"], "sale": run.carnet.sale.number, "detail": log["detail"],
                "reason": log["reason"]}, approval)
        elif duplicate and not always_duplicate:
            # maybe already out once: the second copy says so, and the history too
            ReprintLog.create(
                sale=billet.carnet.sale_id, what="billets",
                detail=t("history.resume_detail", number=billet.number, duplicate=DUPLICATE),
                reason=t("history.resume_reason"), done_by=run.ctx.user,
            )
        row = PrintJournal.create(billet=billet_id, duplicate=duplicate, device=device.name[:120])
        return row.id, duplicate, billet.seq

    claimed = store.write(claim)
    if claimed is None:
        if last:
            run.record_if_open("")  # the run's end, its last billet found sent by someone else
        return False
    journal_id, duplicate, seq = claimed
    try:
        device.write(render(duplicate))
    except DeviceError as err:
        error = f"{err.kind}: {err.detail}"[:500]

        def failed() -> None:
            PrintJournal.update(status="failed", error=error).where(PrintJournal.id == journal_id).execute()
            if run.first is not None:
                run.record(error)

        store.write(failed)
        raise

    def sent() -> None:
        when = now()
        PrintJournal.update(status="sent", sent_at=when).where(PrintJournal.id == journal_id).execute()
        Billet.update(print_state="sent", sent_at=when).where(
            (Billet.id == billet_id) & (Billet.print_state != "sent")
        ).execute()
        run.note(seq, duplicate)
        if last:
            run.record()

    store.write(sent)
    return True


def print_carnet(ctx: Context, carnet_id: int, settings: Settings,
                 on_progress: Progress | None = None) -> None:
    """Print the carnet's billets from the first one not sent; ``on_progress(sent, total)``. The
    run is journaled (``BILLETS_PRINTED``) as done by ``ctx``.

    Raises ``PrinterError`` on a printer failure (call again to continue: "Réessayer"), and
    ``DomainError`` for a carnet that may not print (sale not closed, line voided, another desk
    printing it now: ``err.print.elsewhere``).
    """
    ctx.require(Permission.SELL)
    carnet = _printable_carnet(carnet_id)
    page = _page(settings)
    total = carnet.billets_count
    unsent = Billet.select().where((Billet.carnet == carnet) & (Billet.print_state != "sent"))
    if not unsent.exists():  # nothing to print: no lease needed, whoever else holds one
        if on_progress:
            on_progress(total, total)
        return
    # one print run of this process at a time (a retry pressed twice waits, then finds all sent);
    # the lease keeps the other desks off this carnet until the end
    with _ONE_DOCUMENT, CarnetLease(carnet.id, carnet.number) as lease:
        todo = list(unsent.order_by(Billet.seq))  # read under the lease: nobody else moves them now
        done = total - len(todo)
        if on_progress:
            on_progress(done, total)
        if not todo:
            return
        with _printer(settings) as device:
            run = _Run(ctx, carnet, duplicate=False, device=device.name)
            try:
                for index, billet in enumerate(todo):

                    def render(duplicate: bool, billet: Billet = billet) -> bytes:
                        return layouts.billet_bytes(_billet_data(carnet, billet, settings, duplicate), page)

                    _send_billet(device, billet.id, render, run, lease=lease,
                                 last=index == len(todo) - 1)
                    done += 1
                    if on_progress:
                        on_progress(done, total)
            except BaseException as exc:
                run.record_if_open(type(exc).__name__)
                raise


def _whole(value: object) -> int:
    if isinstance(value, bool):
        raise DomainError("err.print.range_not_number", field="range")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.isdigit() or len(text) > 6:
        raise DomainError("err.print.range_not_number", field="range")
    return int(text)


def check_range(first: object, last: object, count: int) -> tuple[int, int]:
    """``first``–``last`` (blank = 1 / count) within 1..count, in order; else a clear error."""
    low = 1 if first is None or str(first).strip() == "" else _whole(first)
    high = count if last is None or str(last).strip() == "" else _whole(last)
    if not 1 <= low <= high <= count:
        raise DomainError("err.print.range", field="range", first=low, last=high, count=count)
    return low, high


def reprint_billets(
    ctx: Context, carnet_id: int, settings: Settings, reason: str, approval: Approval | None,
    first: int | None = None, last: int | None = None, on_progress: Progress | None = None,
) -> None:
    """Billets ``first``–``last`` (default: all) again, each marked DUPLICATA, logged with why,
    who asked and the responsable who approved (``reprint``)."""
    ctx.require(Permission.SELL)
    why = _reason(reason)  # said first: the reason is typed before a responsable is asked
    approved = check_approval(ctx, approval, "reprint")
    carnet = _printable_carnet(carnet_id)
    low, high = check_range(first, last, carnet.billets_count)
    billets = list(
        Billet.select()
        .where((Billet.carnet == carnet) & (Billet.seq >= low) & (Billet.seq <= high))
        .order_by(Billet.seq)
    )
    for billet in billets:
        if billet.print_state == "unprinted":
            raise DomainError("err.print.never_printed", field="range", number=billet.number)
    page = _page(settings)
    total, done = len(billets), 0
    log: dict | None = dict(
        sale=carnet.sale_id, what="billets", detail=f"{carnet.number} {low}-{high} {DUPLICATE}",
        reason=why, done_by=ctx.user, approved_by=approved.approved_by,
    )
    with _ONE_DOCUMENT, CarnetLease(carnet.id, carnet.number) as lease, _printer(settings) as device:
        run = _Run(ctx, carnet, duplicate=True, device=device.name)
        try:
            for index, billet in enumerate(billets):

                def render(duplicate: bool, billet: Billet = billet) -> bytes:
                    return layouts.billet_bytes(_billet_data(carnet, billet, settings, True), page)

                _send_billet(device, billet.id, render, run, always_duplicate=True, log=log, lease=lease,
                             last=index == len(billets) - 1, approval=approved)
                log = None  # one history row for the whole range
                done += 1
                if on_progress:
                    on_progress(done, total)
        except BaseException as exc:
            run.record_if_open(type(exc).__name__)
            raise


# --- receipt ---------------------------------------------------------------------------------------


def _receipt_data(sale: Sale, settings: Settings, duplicate: bool) -> layouts.ReceiptData:
    lines = []
    total = 0
    for line in SaleLine.select().where(SaleLine.sale == sale).order_by(SaleLine.position):
        payment = next(iter(line.payments), None)  # one Règlement per line
        numbers = [c.number for c in Carnet.select().where(Carnet.line == line).order_by(Carnet.index)]
        method = payment.method if payment else ""
        lines.append(
            layouts.ReceiptLine(
                quantity=line.quantity,
                model_name=line.model_name,
                unit_price_cents=line.unit_price_cents,
                total_cents=line.total_cents,
                client_name=line.client.name if line.client_id else "",
                beneficiary_label=t(f"beneficiary.{line.beneficiary_type}"),
                carnet_numbers=numbers,
                method_label=t(f"method.{method}") if method else "",
                tendered_cents=payment.tendered_cents if payment else line.total_cents,
                change_cents=payment.change_cents if payment else 0,
                cash=method == "cash",
                voided=line.voided,
            )
        )
        if not line.voided:
            total += line.total_cents
    when = sale.closed_at or sale.opened_at
    return layouts.ReceiptData(settings.venue, sale.number, when, sale.cashier, lines, total, duplicate)


def _original_printed(sale_id: int, what: str) -> bool:
    return (
        ReprintLog.select()
        .where(
            (ReprintLog.sale == sale_id)
            & (ReprintLog.what == what)
            & (ReprintLog.detail.endswith(ORIGINAL) | ReprintLog.detail.endswith(UNCONFIRMED))
        )
        .exists()
    )


def _print_once(settings: Settings, data: bytes) -> None:
    with _printer(settings) as device:
        device.write(data)


_PRINTED = {"receipt": Event.RECEIPT_PRINTED, "invoice": Event.INVOICE_PRINTED}


def _print_original(
    ctx: Context, sale: Sale, what: str, prefix: str, settings: Settings, data: bytes
) -> None:
    """Journaled like a billet: logged unconfirmed before the bytes leave, confirmed after.

    A known failure marks the row failed (a torn ticket is no document: the next print is the
    original again); a crash leaves it unconfirmed, and the next print is then a DUPLICATA. The
    confirmation (or the failure) is journaled in the same write.
    """
    device_name = ""

    def mark(row_id: int, detail: str, status: str) -> None:
        ReprintLog.update(detail=detail).where(ReprintLog.id == row_id).execute()
        journal.record(ctx, _PRINTED[what], {"sale": sale.number, "detail": detail.strip(),
                                             "status": status, "device": device_name[:120]})

    with _printer(settings) as device:  # a printer that cannot even be opened leaves no row
        device_name = device.name
        row_id = store.write(
            lambda: ReprintLog.create(sale=sale.id, what=what, detail=prefix + UNCONFIRMED,
                                      done_by=ctx.user).id
        )
        try:
            device.write(data)
        except DeviceError:
            store.write(lambda: mark(row_id, prefix + FAILED, "failed"))
            raise
    store.write(lambda: mark(row_id, prefix + ORIGINAL, "sent"))  # after close: the bytes left the host


def original_printed(sale_id: int, what: str) -> bool:
    """Whether the sale's receipt (``receipt``) or invoice (``invoice``) was printed once: the
    next print is then a reprint, which needs a responsable's approval."""
    return _original_printed(check_id(sale_id, "err.sale.not_found", "sale"), what)


def print_receipt(ctx: Context, sale_id: int, settings: Settings, reason: str = "",
                  approval: Approval | None = None) -> bool:
    """The receipt: the original the first time, DUPLICATA after (reason and a responsable's
    ``reprint`` approval needed). True if duplicate."""
    ctx.require(Permission.SELL)
    sale = _printable_sale(_find_sale(sale_id))
    if _original_printed(sale.id, "receipt"):
        reprint_receipt(ctx, sale_id, settings, reason, approval)
        return True
    page = _page(settings)
    data = layouts.receipt_bytes(_receipt_data(sale, settings, False), page)
    _print_original(ctx, sale, "receipt", "", settings, data)
    return False


def _log_reprint(ctx: Context, sale: Sale, what: str, detail: str, why: str, approved: Approval) -> None:
    """Inside the write: the sale's history row and the journal's, before the bytes leave."""
    ReprintLog.create(sale=sale.id, what=what, detail=detail, reason=why, done_by=ctx.user,
                      approved_by=approved.approved_by)
    journal.record(ctx, Event.REPRINT, {"kind": what, "sale": sale.number, "detail": detail,
                                        "reason": why}, approved)


def reprint_receipt(ctx: Context, sale_id: int, settings: Settings, reason: str,
                    approval: Approval | None) -> None:
    """The receipt again, marked DUPLICATA, logged (before printing) with who, who approved, why."""
    ctx.require(Permission.SELL)
    why = _reason(reason)  # said first: the reason is typed before a responsable is asked
    approved = check_approval(ctx, approval, "reprint")
    sale = _printable_sale(_find_sale(sale_id))
    page = _page(settings)
    data = layouts.receipt_bytes(_receipt_data(sale, settings, True), page)
    store.write(lambda: _log_reprint(ctx, sale, "receipt", DUPLICATE, why, approved))
    _print_once(settings, data)


def receipt_preview(sale_id: int, settings: Settings) -> str:
    sale = _find_sale(sale_id)
    if sale is None:
        raise DomainError("err.sale.not_found")
    return layouts.receipt_text(_receipt_data(sale, settings, False), Page.from_settings(settings.printer))


# --- invoice ---------------------------------------------------------------------------------------


def _invoice_data(sale: Sale, invoice: Invoice, settings: Settings, duplicate: bool) -> layouts.InvoiceData:
    lines = [
        layouts.InvoiceLine(line.quantity, line.model_name, line.unit_price_cents, line.total_cents)
        for line in SaleLine.select()
        .where((SaleLine.sale == sale) & (SaleLine.voided == False))  # noqa: E712
        .order_by(SaleLine.position)
    ]
    return layouts.InvoiceData(
        venue=settings.venue,
        number=invoice.number,
        issued=invoice.issued_at.date() if isinstance(invoice.issued_at, datetime) else invoice.issued_at,
        sale_number=sale.number,
        sale_date=sale.sale_date,
        client_name=invoice.client.name if invoice.client_id else "",
        lines=lines,
        total_cents=sum(line.total_cents for line in lines),
        duplicate=duplicate,
    )


def legal_ids_refusal(settings: Settings) -> DomainError | None:
    """Why no invoice can be issued yet (the venue's legal IDs missing or placeholders), or None."""
    missing = settings.venue.missing_legal_ids()
    if not missing:
        return None
    labels = ", ".join(t(f"print.legal.{key}") for key in missing)
    return DomainError("err.print.legal_ids", missing=labels)


def print_invoice(
    ctx: Context, sale_id: int, settings: Settings, reason: str = "", approval: Approval | None = None
) -> str:
    """Print the sale's invoice; returns its number.

    The first request allocates the next number of ``ctx.today``'s year's series and creates the
    Invoice row (one transaction); the first successful print is the original; later ones are
    DUPLICATA and need a reason and a responsable's ``reprint`` approval.
    """
    ctx.require(Permission.SELL)
    refusal = legal_ids_refusal(settings)
    if refusal is not None:  # before the transaction: a refused invoice takes no number
        raise refusal
    page = _page(settings)

    def transaction() -> tuple[Invoice, bool]:
        sale = _printable_sale(_find_sale(sale_id))
        invoice = Invoice.get_or_none(Invoice.sale == sale)
        if invoice is None:
            paid = (
                SaleLine.select()
                .where((SaleLine.sale == sale) & (SaleLine.voided == False))  # noqa: E712
                .order_by(SaleLine.position)
            )
            if not paid.exists():
                raise DomainError("err.print.no_lines")
            issued = ctx.today
            seq = next_in_series(f"invoice:{issued.year}")
            first_client = next((line.client_id for line in paid if line.client_id), None)
            invoice = Invoice.create(
                sale=sale,
                number=invoice_number(issued.year, seq),
                year=issued.year,
                issued_at=datetime.combine(issued, now().time()),
                client=first_client,
            )
        duplicate = _original_printed(sale.id, "invoice")
        if duplicate:
            why = _reason(reason)
            _log_reprint(ctx, sale, "invoice", f"{invoice.number} {DUPLICATE}", why,
                         check_approval(ctx, approval, "reprint"))
        return invoice, duplicate

    invoice, duplicate = store.write(transaction)
    sale = Sale.get_by_id(sale_id)
    data = layouts.invoice_bytes(_invoice_data(sale, invoice, settings, duplicate), page)
    if duplicate:
        _print_once(settings, data)
    else:
        _print_original(ctx, sale, "invoice", f"{invoice.number} ", settings, data)
    return invoice.number


# --- what the UI lists -----------------------------------------------------------------------------


def preview_billets(carnet_id: int, settings: Settings, duplicate: bool = False) -> list[str]:
    """The carnet's billets as plain text, as they come out on paper (the on-screen preview)."""
    carnet = _find_carnet(carnet_id)
    if carnet is None:
        raise DomainError("err.print.carnet_not_found")
    page = Page.from_settings(settings.printer)
    billets = Billet.select().where(Billet.carnet == carnet).order_by(Billet.seq)
    return [layouts.billet_text(_billet_data(carnet, b, settings, duplicate), page) for b in billets]


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    what: str  # billets | receipt | invoice | void
    label: str  # French, for the screen
    detail: str
    duplicate: bool
    reason: str
    by: str
    approved_by: str = ""  # the responsable who approved (a void, a reprint), when not ``by``

    @property
    def summary(self) -> str:
        """One French line for the history view: "20/12/2019 10:32 Ticket duplicata (chef) : motif"."""
        text = f"{self.when:%d/%m/%Y %H:%M} {self.label} {self.detail}"
        if self.by and self.approved_by and self.approved_by != self.by:
            text += f" ({self.by}, {t('history.approved_by', name=self.approved_by)})"
        elif self.by:
            text += f" ({self.by})"
        return f"{text} : {self.reason}" if self.reason else text

    def __str__(self) -> str:
        return self.summary


def sale_history(sale_id: int) -> list[HistoryEntry]:
    """Every print and reprint of the sale, and every void (reason, who, when), oldest first."""
    entries: list[HistoryEntry] = []
    sale = _find_sale(sale_id)
    if sale is None:
        raise DomainError("err.sale.not_found")
    for carnet in Carnet.select().where(Carnet.sale == sale).order_by(Carnet.index):
        rows = list(
            PrintJournal.select()
            .join(Billet)
            .where(
                (Billet.carnet == carnet) & (PrintJournal.duplicate == False)  # noqa: E712
                & (PrintJournal.status == "sent")
            )
            .order_by(PrintJournal.id)
        )
        if rows:
            entries.append(
                HistoryEntry(
                    when=rows[0].created_at, what="billets", label=t("history.billets"),
                    detail=f"{carnet.number} {ORIGINAL} {len(rows)}/{carnet.billets_count}",
                    duplicate=False, reason="", by=clean_text(sale.cashier),
                )
            )
    for row in ReprintLog.select().where(ReprintLog.sale == sale).order_by(ReprintLog.id):
        entries.append(
            HistoryEntry(
                when=row.done_at, what=row.what, label=t(f"history.{row.what}"),
                detail=clean_text(row.detail),
                duplicate=DUPLICATE in row.detail, reason=clean_text(row.reason), by=clean_text(row.done_by),
                approved_by=clean_text(row.approved_by or ""),
            )
        )
    # voids: the line's carnet numbers, who voided it and why
    for void in Void.select().join(SaleLine).where(SaleLine.sale == sale).order_by(Void.id):
        carnets = Carnet.select().where(Carnet.line == void.line_id).order_by(Carnet.index)
        numbers = [c.number for c in carnets]
        entries.append(
            HistoryEntry(
                when=void.voided_at, what="void", label=t("history.void"), detail=", ".join(numbers),
                duplicate=False, reason=void.reason, by=void.voided_by,
                approved_by=clean_text(void.approved_by or ""),
            )
        )
    entries.sort(key=lambda e: e.when)
    return entries

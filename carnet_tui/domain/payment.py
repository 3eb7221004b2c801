"""What a valid Règlement is: method, tendered amount, change, cheque number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.money import MAX_CENTS, format_dh
from carnet_tui.domain.rules import PAYMENT_METHODS

_CHEQUE = re.compile(r"^\d{4,20}$")


@dataclass(frozen=True)
class PaymentInput:
    method: str
    tendered_cents: int | None = None  # cash only; None means exact amount
    cheque_number: str | None = None
    reference: str | None = None  # card slip or transfer reference, free text


@dataclass(frozen=True)
class CheckedPayment:
    method: str
    amount_cents: int
    tendered_cents: int
    change_cents: int
    cheque_number: str | None
    reference: str | None


def check_payment(payment: PaymentInput, total_cents: int) -> CheckedPayment:
    if payment.method not in PAYMENT_METHODS:
        raise DomainError("err.payment.method", field="method", value=str(payment.method)[:20])
    tendered = total_cents
    if payment.method == "cash" and payment.tendered_cents is not None:
        tendered = payment.tendered_cents
        if tendered > MAX_CENTS:  # past SQLite's integer range the store would crash, not refuse
            raise DomainError("err.amount.too_large", field="tendered")
        if tendered < total_cents:
            raise DomainError(
                "err.payment.short",
                field="tendered",
                tendered=format_dh(tendered),
                total=format_dh(total_cents),
            )
    cheque = None
    if payment.method == "cheque":
        cheque = (payment.cheque_number or "").strip()
        if not _CHEQUE.match(cheque):
            raise DomainError("err.payment.cheque_number", field="cheque")
    reference = (payment.reference or "").strip()[:60] or None
    return CheckedPayment(
        method=payment.method,
        amount_cents=total_cents,
        tendered_cents=tendered,
        change_cents=tendered - total_cents,
        cheque_number=cheque,
        reference=reference,
    )

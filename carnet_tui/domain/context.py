"""Who acts, where and when: the one small frozen object every write service receives.

Built at sign-in (``services.people.sign_in``); services never read the environment or the clock
for these, so tests set them. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from carnet_tui.domain.errors import DomainError


class Role(StrEnum):
    CAISSIER = "caissier"
    RESPONSABLE = "responsable"
    ADMIN = "admin"
    CONTROLEUR = "contrôleur"


class Permission(StrEnum):
    SELL = "sell"  # sale window, history (reading), till open/X/Z
    APPROVE = "approve"  # voids, reprints, cash movements, finalize with unprinted carnets
    BACK_OFFICE = "back_office"  # catalog and clients (issue 13)
    ADMIN = "admin"  # users, settings
    DOOR = "door"  # access control (issue 11)


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CAISSIER: frozenset({Permission.SELL}),
    Role.RESPONSABLE: frozenset({Permission.SELL, Permission.APPROVE, Permission.BACK_OFFICE,
                                 Permission.DOOR}),
    Role.ADMIN: frozenset(Permission),
    Role.CONTROLEUR: frozenset({Permission.DOOR}),
}


def check_role(text: object) -> Role:
    try:
        return Role(str(text).strip().lower().replace("controleur", "contrôleur"))
    except ValueError:
        raise DomainError("err.user.role", field="role", role=str(text)[:40]) from None


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]


@dataclass(frozen=True)
class Context:
    """The actor of a write. ``session_id``: the desk's open till session, or None."""

    user_id: int
    user: str  # the name as shown and journaled
    role: Role
    desk: str
    today: date
    session_id: int | None = None

    def can(self, permission: Permission) -> bool:
        return allows(self.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise DomainError("err.user.not_allowed")

    def with_session(self, session_id: int | None) -> Context:
        return replace(self, session_id=session_id)

    def require_session(self) -> int:
        if self.session_id is None:
            raise DomainError("err.till.no_session")
        return self.session_id


@dataclass(frozen=True)
class Approval:
    """A responsable's yes to an action asked by ``asked_by``; both names are recorded.
    Made only by ``services.people.approve`` (a PIN checked) or ``self_approval`` (a responsable
    acting alone, recorded as such)."""

    asked_by: str
    approved_by: str
    approver_id: int
    action: str  # what was approved: void | reprint | finalize_unprinted | cash_movement | catalog
    self_approved: bool = False


def self_approval(ctx: Context, action: str) -> Approval:
    if not ctx.can(Permission.APPROVE):
        raise DomainError("err.approval.required")
    return Approval(ctx.user, ctx.user, ctx.user_id, action, self_approved=True)


def check_approval(ctx: Context, approval: object, action: str) -> Approval:
    """The approval a service was given, checked against who acts and what is done."""
    if not isinstance(approval, Approval) or approval.action != action:
        raise DomainError("err.approval.required")
    if approval.asked_by != ctx.user:
        raise DomainError("err.approval.required")
    return approval

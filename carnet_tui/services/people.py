"""People at the counter: users and PINs, sign-in with lock-out, approvals by a responsable.

Every sign-in, failed PIN, lock, approval (given or refused) and user change is journaled.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from carnet_tui.domain.context import Approval, Context, Permission, Role, allows, check_role
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.pins import LOCK_AFTER, LOCK_SECONDS, check_pin, hash_pin, verify_pin
from carnet_tui.domain.text import clean_text
from carnet_tui.domain.till import SessionStatus
from carnet_tui.services import journal
from carnet_tui.services.journal import Event
from carnet_tui.store import db as store
from carnet_tui.store.models import TillSession, User

NAME_MAX = 40
SYSTEM = "système"  # the actor of what the command line does outside any sign-in


@dataclass(frozen=True)
class UserView:
    id: int
    name: str
    role: Role
    active: bool
    locked_until: float


def check_name(name: object) -> str:
    text = clean_text(str(name or ""))
    if not text:
        raise DomainError("err.user.name_required", field="name")
    if len(text) > NAME_MAX:
        raise DomainError("err.text.too_long", field="name", max=NAME_MAX)
    return text


def _view(row: User) -> UserView:
    return UserView(row.id, clean_text(row.name), check_role(row.role), bool(row.active),
                    float(row.locked_until or 0))


def hashed_pin(pin: str) -> str:
    """The stored form of a PIN (checked, salted, scrypt): ~50 ms, so done before any write."""
    return hash_pin(check_pin(pin), os.urandom(16))


def check_new_user(name: str, role: str) -> tuple[str, Role]:
    """The name and role a new user would get, refused before a PIN is even asked for."""
    name, role_ = check_name(name), check_role(role)
    if User.select().where(User.name == name).exists():
        raise DomainError("err.user.exists", field="name", name=name)
    return name, role_


def insert_user(name: str, role: str, stored: str, *, by: str = SYSTEM, desk: str = "") -> UserView:
    """Add a user whose PIN is already hashed (``hashed_pin``). Inside ``store.write`` only."""
    name, role_ = check_name(name), check_role(role)
    if User.select().where(User.name == name).exists():
        raise DomainError("err.user.exists", field="name", name=name)
    row = User.create(name=name, role=role_.value, pin_hash=stored)
    journal.append(Event.USER_ADDED, {"user": row.id, "name": name, "role": role_.value},
                   actor=by, desk=desk)
    return _view(row)


def add_user(name: str, role: str, pin: str, *, by: str = SYSTEM, desk: str = "") -> UserView:
    name, role_ = check_name(name), check_role(role)
    stored = hashed_pin(pin)
    return store.write(lambda: insert_user(name, role_.value, stored, by=by, desk=desk))


def list_users(include_disabled: bool = True) -> list[UserView]:
    query = User.select().order_by(User.name)
    if not include_disabled:
        query = query.where(User.active == True)  # noqa: E712
    return [_view(row) for row in query]


def _find(name: str) -> User:
    row = User.get_or_none(User.name == check_name(name))
    if row is None:
        raise DomainError("err.user.unknown", field="name", name=clean_text(str(name))[:40])
    return row


def disable_user(name: str, *, by: str = SYSTEM, desk: str = "") -> None:
    def transaction() -> None:
        row = _find(name)
        if not row.active:
            return
        if check_role(row.role) == Role.ADMIN and _active_admins() <= 1:
            raise DomainError("err.user.last_admin")
        row.active = False
        row.save()
        journal.append(Event.USER_DISABLED, {"user": row.id, "name": row.name}, actor=by, desk=desk)

    store.write(transaction)


def _active_admins() -> int:
    return User.select().where((User.role == Role.ADMIN.value) & (User.active == True)).count()  # noqa: E712


def set_pin(name: str, pin: str, *, by: str = SYSTEM, desk: str = "") -> None:
    stored = hashed_pin(pin)

    def transaction() -> None:
        row = _find(name)
        row.pin_hash, row.failed_pins, row.locked_until = stored, 0, 0
        row.save()
        journal.append(Event.USER_PIN, {"user": row.id, "name": row.name}, actor=by, desk=desk)

    store.write(transaction)


def has_admin() -> bool:
    return _active_admins() > 0


# --- checking a PIN: sign-in and approvals ------------------------------------------------------------

def _check(name: str, pin: str, desk: str, clock: Callable[[], float], purpose: str) -> User:
    """The user whose PIN this is, or a refusal; failures counted and journaled, five lock.

    The failure is committed before the refusal is raised: a wrong PIN leaves its trace."""
    now = clock()
    row = User.get_or_none(User.name == clean_text(str(name or "")))
    if row is None or not row.active:
        raise DomainError("err.user.unknown", field="name", name=clean_text(str(name or ""))[:40])
    if row.locked_until and row.locked_until > now:
        minutes = max(1, round((row.locked_until - now) / 60))
        raise DomainError("err.pin.locked", field="pin", minutes=minutes)
    text = str(pin or "")
    check_pin(text)  # too short, too long, not digits: can never be right, so not a failed try
    if verify_pin(text, row.pin_hash):  # scrypt outside the write: ~50 ms, no lock held
        if row.failed_pins:
            store.write(lambda: User.update(failed_pins=0, locked_until=0)
                        .where(User.id == row.id).execute())
        return row

    def failed() -> int:
        fresh = User.get_by_id(row.id)
        fresh.failed_pins += 1
        locked = fresh.failed_pins >= LOCK_AFTER
        if locked:
            fresh.failed_pins, fresh.locked_until = 0, now + LOCK_SECONDS
        fresh.save()
        journal.append(Event.PIN_FAILED, {"user": row.id, "purpose": purpose}, actor=row.name,
                       desk=desk)
        if locked:
            journal.append(Event.USER_LOCKED, {"user": row.id, "seconds": LOCK_SECONDS},
                           actor=row.name, desk=desk)
        return LOCK_AFTER - fresh.failed_pins if not locked else 0

    left = store.write(failed)
    if left == 0:
        raise DomainError("err.pin.locked", field="pin", minutes=LOCK_SECONDS // 60)
    raise DomainError("err.pin.wrong", field="pin", left=left)


def open_session_id(desk: str) -> int | None:
    row = TillSession.get_or_none((TillSession.desk == desk)
                                  & (TillSession.status == SessionStatus.OPEN.value))
    return row.id if row else None


def sign_in(name: str, pin: str, desk: str, today: date | None = None,
            clock: Callable[[], float] = time.time) -> Context:
    """The context of everything this person does at this desk until they sign out or lock."""
    desk = clean_text(desk)[:40]
    row = _check(name, pin, desk, clock, "sign_in")
    ctx = Context(row.id, clean_text(row.name), check_role(row.role), desk, today or date.today(),
                  open_session_id(desk))
    store.write(lambda: journal.record(ctx, Event.SIGN_IN, {"user": row.id}))
    return ctx


def unlock(ctx: Context, pin: str, clock: Callable[[], float] = time.time) -> Context:
    """The same person back after the idle lock: their PIN again, the context refreshed."""
    return sign_in(ctx.user, pin, ctx.desk, ctx.today, clock)


def approve(ctx: Context, approver: str, pin: str, action: str,
            clock: Callable[[], float] = time.time) -> Approval:
    """A responsable (or admin) types their PIN in the asking cashier's dialog."""
    row = _check(approver, pin, ctx.desk, clock, f"approve:{action}")
    role = check_role(row.role)
    if not allows(role, Permission.APPROVE):
        store.write(lambda: journal.record(ctx, Event.APPROVAL_REFUSED,
                                           {"action": action, "approver": row.name}))
        raise DomainError("err.approval.not_responsable", field="name", name=clean_text(row.name))
    approval = Approval(ctx.user, clean_text(row.name), row.id, action,
                        self_approved=row.id == ctx.user_id)
    return approval


def approvers() -> list[UserView]:
    """Who may approve: active responsables and admins, by name."""
    roles = [Role.RESPONSABLE.value, Role.ADMIN.value]
    return [_view(r) for r in User.select().where(User.role.in_(roles) & (User.active == True))  # noqa: E712
            .order_by(User.name)]


def sign_out(ctx: Context) -> None:
    """The end of a sign-in: changing cashier, or another user unlocking the idle lock. Journaled."""
    store.write(lambda: journal.record(ctx, Event.SIGN_OUT, {"user": ctx.user_id}))

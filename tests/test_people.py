"""services.people under hostile input: only the domain's refusals, and no half rows.

Names, roles, PINs, desks and actions from the hostile texts of DESIGN.md and any unicode, through
add_user, sign_in, approve, set_pin and disable_user on a real SQLite file. After every call the
store holds only whole users (each with its journal row, a scrypt hash, a known role, a clean name)
and the journal's chain verifies; a refusal changes nothing but the trace a wrong PIN must leave.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import HOSTILE_TEXTS

from carnet_tui.domain.context import Context, Role
from carnet_tui.domain.errors import DomainError
from carnet_tui.services import journal, people
from carnet_tui.store.models import JournalEntry, User

NOW = 1_800_000_000.0  # a fixed clock: lock-outs are deterministic


def clock() -> float:
    return NOW


STAFF = {"Amina": ("admin", "9731"), "Nadia": ("responsable", "2222"), "Samir": ("caissier", "1111")}
KNOWN = st.sampled_from(sorted(STAFF))
TEXTS = st.one_of(KNOWN, KNOWN, st.sampled_from([" Nadia ", "samir", *HOSTILE_TEXTS]), st.text(max_size=50))
GOOD_PINS = st.sampled_from(["1111", "2222", "9731", "0000", "12345678"])
PINS = st.one_of(
    GOOD_PINS, GOOD_PINS,
    st.sampled_from(["123", "123456789", "١٢٣٤", "12 34", "", *HOSTILE_TEXTS]),
    st.text(alphabet="0123456789", max_size=10),
    st.text(max_size=12),
)
GOOD_ROLES = st.sampled_from([*Role, "controleur", " admin "])
ROLES = st.one_of(GOOD_ROLES, GOOD_ROLES, st.sampled_from(["CAISSIER", "chef", "", *HOSTILE_TEXTS]))
OPERATIONS = st.sampled_from(["add", "sign_in", "approve", "set_pin", "disable"])
# a wrong PIN is refused *and* leaves its trace (pin_failed, and user_locked at the fifth)
TRACED = {"err.pin.wrong", "err.pin.locked", "err.approval.not_responsable"}


@pytest.fixture
def staffed(connected) -> Context:
    for name, (role, pin) in STAFF.items():
        people.add_user(name, role, pin)
    return people.sign_in("Samir", "1111", "Caisse 1", date(2026, 11, 28), clock)


HASHES: dict[str, str] = {}


def restore_staff() -> None:
    """Each example starts with the staff active, unlocked, with their PINs (the setting, not a check:
    written straight to the table; users are not rows the journal vouches for)."""
    for name, (_role, pin) in STAFF.items():
        if pin not in HASHES:
            HASHES[pin] = people.hashed_pin(pin)
        stored = HASHES[pin]
        User.update(active=True, failed_pins=0, locked_until=0, pin_hash=stored).where(
            User.name == name).execute()


def snapshot() -> tuple:
    users = tuple(User.select(User.id, User.name, User.role, User.pin_hash, User.active, User.failed_pins,
                              User.locked_until).order_by(User.id).tuples())
    return users, JournalEntry.select().count()


def check_whole() -> None:
    users = list(User.select())
    added = [json.loads(e.data) for e in JournalEntry.select().where(JournalEntry.kind == "user_added")]
    assert sorted((a["user"], a["name"], a["role"]) for a in added) == sorted(
        (u.id, u.name, u.role) for u in users)
    for user in users:
        assert user.role in {r.value for r in Role}
        assert user.pin_hash.startswith("scrypt$")
        assert user.name and len(user.name) <= people.NAME_MAX and user.name == user.name.strip()
        assert all(ord(ch) >= 0x20 and ch not in "\u202e\u202d\x7f" for ch in user.name)
        assert 0 <= user.failed_pins < 5 and user.locked_until >= 0
    assert sum(1 for u in users if u.role == "admin" and u.active) >= 1  # never without an admin
    verdict = journal.verify()
    assert verdict.ok, verdict


@settings(max_examples=200, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operation=OPERATIONS, name=TEXTS, role=ROLES, pin=PINS, desk=TEXTS, action=TEXTS)
def test_people_take_any_text(staffed: Context, operation: str, name: str, role: object, pin: str,
                              desk: str, action: str) -> None:
    restore_staff()
    before = snapshot()
    try:
        if operation == "add":
            view = people.add_user(name, str(role), pin)
            assert view.name == people.check_name(name)
        elif operation == "sign_in":
            ctx = people.sign_in(name, pin, desk, date(2026, 11, 28), clock)
            assert ctx.user in STAFF or ctx.user == people.check_name(name)
            assert len(ctx.desk) <= 40
        elif operation == "approve":
            approval = people.approve(staffed, name, pin, action, clock)
            assert approval.asked_by == "Samir" and approval.action == action
        elif operation == "set_pin":
            people.set_pin(name, pin)
        else:
            people.disable_user(name)
    except DomainError as refusal:
        assert refusal.message and not refusal.message.startswith("err.")  # French, not a key
        if refusal.key not in TRACED:
            assert snapshot() == before, refusal.key
        else:  # only the counters of wrong PINs changed, and the journal grew (or the user was locked)
            users, rows = snapshot()
            assert [u[:5] for u in users] == [u[:5] for u in before[0]] and rows >= before[1]
    check_whole()


def test_approvals_and_sign_ins_with_hostile_actions_and_desks(staffed: Context) -> None:
    for text in HOSTILE_TEXTS:
        approval = people.approve(staffed, "Nadia", "2222", text, clock)
        assert (approval.asked_by, approval.approved_by, approval.self_approved) == ("Samir", "Nadia", False)
        with pytest.raises(DomainError) as refused:
            people.approve(staffed, "Samir", "1111", text, clock)  # a cashier never approves
        assert refused.value.key == "err.approval.not_responsable"
        ctx = people.sign_in("Nadia", "2222", text, date(2026, 11, 28), clock)
        assert len(ctx.desk) <= 40 and "\x1b" not in ctx.desk and "\u202e" not in ctx.desk
    check_whole()

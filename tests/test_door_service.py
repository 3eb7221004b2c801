"""Checking billets in (services/door.py) on both stores: verdicts, exactly once, keys, balances."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from support.door import AGENT, DOOR, agent, seller
from test_print_support import DAY, manual_sale, settings_for

from carnet_tui.domain.context import Role, self_approval
from carnet_tui.domain.door import Reason, Verdict
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.services import door, journal, printing, sales
from carnet_tui.store import db as store
from carnet_tui.store.models import Billet, Carnet, DoorKey, Entry, JournalEntry

pytestmark = pytest.mark.both_stores
LAST = date(2020, 2, 17)  # sold 20/12/2019 for 60 days


@pytest.fixture
def sold(manual_catalog, tmp_path):
    """The manual's sale (2 carnets × 15), printed into a file."""
    sale_id = manual_sale(manual_catalog)
    settings = settings_for(tmp_path, f"file:{tmp_path / 'out.bin'}")
    for carnet in Carnet.select().where(Carnet.sale == sale_id):
        printing.print_carnet(seller(), carnet.id, settings)
    door.ensure_key()
    return sale_id


def numbers(sale_id: int) -> list[str]:
    return [b.number for b in Billet.select().join(Carnet).where(Carnet.sale == sale_id)
            .order_by(Carnet.index, Billet.seq)]


def test_signed_billet_enters_once_then_used(sold):
    first = numbers(sold)[3]
    ok = door.check_in(agent(DAY), door.qr_text(first))
    assert ok.verdict is Verdict.ACCEPTED and ok.reason is None
    assert (ok.entry_number, ok.count, ok.left) == (1, 15, 14)
    assert ok.client == "Karim Benjelloun" and ok.carnet == "20191220-815" and ok.valid_until == LAST
    again = door.check_in(agent(DAY + timedelta(days=1), desk="Porte 2"), door.qr_text(first))
    assert again.reason is Reason.USED
    assert again.used is not None and (again.used.door, again.used.agent) == (DOOR, AGENT)
    assert Entry.select().count() == 1
    rows = list(JournalEntry.select().where(JournalEntry.kind == "door_entry").order_by(JournalEntry.seq))
    assert [r.desk for r in rows] == [DOOR, "Porte 2"]
    assert '"verdict":"refused"' in rows[1].data and '"reason":"used"' in rows[1].data
    assert f'"entry":{Entry.get().id}' in rows[0].data and '"entry"' not in rows[1].data
    assert journal.verify().ok  # the sale's rows and the scans, one chain


def test_entry_counts_and_balance(sold):
    for n in numbers(sold)[:4]:
        door.check_in(agent(DAY), door.qr_text(n))
    fourth = door.check_in(agent(DAY), door.qr_text(numbers(sold)[4]))
    assert (fourth.entry_number, fourth.left) == (5, 10)
    balance = door.carnet_balance("20191220-815-002")
    assert (balance.used, balance.left, balance.count) == (5, 10, 15)
    assert [e.seq for e in balance.entries] == [1, 2, 3, 4, 5] and balance.entries[0].door == DOOR
    assert door.carnet_balance(door.qr_text("20191220-815A-001")).used == 0
    assert door.carnet_balance("20191220-815a").carnet == "20191220-815A"
    with pytest.raises(DomainError) as err:
        door.carnet_balance("nothing")
    assert err.value.key == "err.door.no_carnet"
    line = Carnet.get(Carnet.number == "20191220-815").line
    assert [b.used for b in door.client_carnets(line.client_id)] == [0, 5] or \
        sorted(b.used for b in door.client_carnets(line.client_id)) == [0, 5]


def test_validity_days_inclusive(sold):
    n = numbers(sold)
    assert door.check_in(agent(DAY - timedelta(days=1)), door.qr_text(n[0])).reason is Reason.NOT_YET
    assert door.check_in(agent(LAST), door.qr_text(n[0])).accepted
    late = door.check_in(agent(LAST + timedelta(days=1)), door.qr_text(n[1]))
    assert late.reason is Reason.EXPIRED and late.valid_until == LAST


def test_forged_altered_retired(sold):
    n = numbers(sold)
    good = door.qr_text(n[0])
    altered = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert door.check_in(agent(DAY), altered).reason is Reason.SIGNATURE
    other = n[1] + good[len(n[0]):]  # another billet's tag
    assert door.check_in(agent(DAY), other).reason is Reason.SIGNATURE
    assert door.check_in(agent(DAY), n[0] + ".Z" + "A" * 13).reason is Reason.SIGNATURE
    # rotate: the old key keeps verifying; retired: refused
    old = door.qr_text(n[2])
    assert door.rotate_key() == "B"
    new = door.qr_text(n[3])
    assert new.split(".")[1][0] == "B"
    assert door.check_in(agent(DAY), old).accepted
    door.retire_key("A")
    assert door.check_in(agent(DAY), door.qr_text(n[4]).replace(".B", ".A", 1)).reason is Reason.SIGNATURE
    assert door.check_in(agent(DAY), new).accepted
    assert Entry.select().count() == 2
    with pytest.raises(DomainError) as err:
        door.retire_key("B")
    assert err.value.key == "err.door.key_last"
    assert [(k.letter, k.signing, k.retired_at is not None) for k in door.list_keys()] == [
        ("A", False, True), ("B", True, False)]


def test_plain_numbers_manual_and_legacy(sold):
    n = numbers(sold)
    # typed by the agent: the agent read the paper; entered, flagged manual
    manual = door.check_in(agent(DAY), n[0].lower(), manual=True)
    assert manual.accepted and manual.manual and not manual.legacy
    # a QR without a tag: only through [door] untagged_until, flagged legacy
    assert door.check_in(agent(DAY), n[1]).reason is Reason.UNSIGNED
    assert door.check_in(agent(DAY), n[1], until=DAY - timedelta(days=1)).reason is Reason.UNSIGNED
    legacy = door.check_in(agent(DAY), n[1], until=DAY)
    assert legacy.accepted and legacy.legacy
    assert Entry.get(Entry.billet == Billet.get(Billet.number == n[1]).id).legacy
    last = JournalEntry.select().order_by(JournalEntry.seq.desc()).first()
    assert '"legacy":true' in last.data and '"manual":false' in last.data
    assert door.check_in(agent(DAY), "bonjour").reason is Reason.UNKNOWN
    assert door.check_in(agent(DAY), "20191220-999-001", manual=True).reason is Reason.UNKNOWN
    assert door.untagged_until("2020-01-31") == date(2020, 1, 31)
    assert door.untagged_until("") is None and door.untagged_until("demain") is None


def test_voided_unprinted_and_roles(manual_catalog, tmp_path):
    ctx = seller()
    sale_id = sales.open_sale(ctx)
    request = sales.LineRequest("V", manual_catalog.model_id, manual_catalog.visitor_tariff_id, 1, 60, None)
    kept = sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 550000))
    gone = sales.pay_line(ctx, sale_id, request, PaymentInput("cash", 550000))
    sales.void_line(ctx, gone.line_id, "erreur de tarif", self_approval(ctx, "void"))
    sales.close_sale(ctx, sale_id)
    door.ensure_key()
    voided = door.check_in(agent(DAY), door.qr_text(f"{gone.carnet_numbers[0]}-001"))
    assert voided.reason is Reason.VOIDED and voided.void_reason == "erreur de tarif"
    unprinted = door.check_in(agent(DAY), door.qr_text(f"{kept.carnet_numbers[0]}-001"))
    assert unprinted.reason is Reason.UNPRINTED
    with pytest.raises(DomainError) as err:
        door.check_in(agent(DAY, role=Role.CAISSIER), door.qr_text(f"{kept.carnet_numbers[0]}-001"))
    assert err.value.key == "err.user.not_allowed"
    assert door.check_in(agent(DAY, role=Role.RESPONSABLE), "x").reason is Reason.UNKNOWN


def test_entries_report(sold):
    n = numbers(sold)
    for number in n[:3]:
        door.check_in(agent(DAY), door.qr_text(number))
    door.check_in(agent(DAY), door.qr_text(n[0]))
    door.check_in(agent(DAY), "bonjour")
    door.check_in(agent(DAY), n[5], manual=True)
    today = date.today()  # entries are stamped by the clock of the desk that wrote them
    report = door.entries_report(today, today)
    assert (report.accepted, report.refused, report.manual) == (4, 2, 1)
    assert report.by_model == [("Carnet 15 entrées", 4)]
    assert dict(report.refusals) == {Reason.USED: 1, Reason.UNKNOWN: 1}
    assert sum(c for _d, _h, c in report.by_hour) == 4
    lines = door.report_lines(report)
    assert any("déjà utilisé" in line for line in lines)
    assert door.entries_report(today - timedelta(days=3), today - timedelta(days=1)).accepted == 0


def test_key_secret_never_shown(connected, capsys):
    letter = door.ensure_key()
    assert door.ensure_key() == letter == "A"
    row = DoorKey.get()
    assert row.secret not in repr(row) and row.secret not in str(row)
    assert row.secret not in repr(door.list_keys())
    assert all(row.secret not in j.data for j in JournalEntry.select())


def test_schema_v4_store_upgrades(db_path):
    import sqlite3

    store.connect(str(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TABLE entry")
        conn.execute("DROP TABLE door_key")
        conn.execute("UPDATE setting SET value = '4' WHERE key = 'schema_version'")
    database = store.connect(str(db_path))
    assert store.schema_version(database) == store.SCHEMA_VERSION
    assert door.ensure_key() == "A"
    database.close()


# the line the lead adds to services/journal.PROOFS at the merge (tested here through monkeypatch)
DOOR_PROOF = ("entry", "entry", {"door": "door"})


def test_journal_vouches_for_entries(sold, monkeypatch):
    monkeypatch.setitem(journal.PROOFS, journal.Event.DOOR_ENTRY, DOOR_PROOF)
    for number in numbers(sold)[:3]:
        door.check_in(agent(DAY), door.qr_text(number))
    door.check_in(agent(DAY), door.qr_text(numbers(sold)[0]))  # refused: no entry to vouch for
    assert journal.verify().ok
    Entry.update(door="Porte 9").where(Entry.id == Entry.select().first().id).execute()
    assert journal.verify().fault is journal.Fault.ROW_CHANGED
    Entry.update(door=DOOR).execute()
    billet = Billet.get(Billet.number == numbers(sold)[10])
    Entry.create(billet=billet.id, carnet=billet.carnet_id, door=DOOR, agent="x")  # by hand: no event
    checked = journal.verify()
    assert checked.fault is journal.Fault.UNJOURNALED and checked.detail.startswith("entry ")

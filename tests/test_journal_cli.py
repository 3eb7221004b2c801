"""``carnet-tui journal verify`` on a journal made by the real services, then on copies of its file
changed behind the application's back with sqlite3: each names the first bad row and exits 1."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from support.cli import clean_env, execute, refused, rows, run

from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.journal import chain, content
from carnet_tui.services import journal, people, till
from carnet_tui.store import db as store
from carnet_tui.store.models import JournalEntry

DAY = date(2026, 11, 28)


@dataclass(frozen=True)
class Day:
    db: Path
    rows: int
    head: str
    env: dict[str, str]


@pytest.fixture
def day(tmp_path: Path) -> Day:
    """Users, sign-ins, wrong PINs, a refused approval and a till opened, by the services."""
    path = tmp_path / "jour.db"
    store.connect(str(path))
    try:
        people.add_user("Amina", "admin", "9731")
        people.add_user("Samir", "caissier", "1111")
        people.add_user("Nadia", "responsable", "2222")
        ctx = people.sign_in("Samir", "1111", "Caisse 1", today=DAY)
        for _ in range(2):
            with pytest.raises(DomainError):
                people.sign_in("Samir", "0000", "Caisse 1", today=DAY)
        with pytest.raises(DomainError):
            people.approve(ctx, "Samir", "1111", "void")  # a cashier cannot approve: journaled
        view = till.open_till(ctx, {20000: 2, 1000: 3, 50: 4})
        people.sign_in("Nadia", "2222", "Caisse 1", today=DAY)
        seq, head = journal.head()
        assert journal.verify().ok
        assert view.float_cents == 43200
    finally:
        store.close()
    return Day(path, seq, head, clean_env(tmp_path))


def copy(day: Day, name: str) -> Path:
    """A copy of the day's file (through SQLite's backup: the WAL included)."""
    target = day.db.with_name(name)
    source, dest = sqlite3.connect(day.db), sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        source.close()
        dest.close()
    return target


def seq_of(db: Path, kind: str) -> tuple[int, str]:
    return rows(db, "SELECT seq, at FROM journal WHERE kind = ? ORDER BY seq LIMIT 1", (kind,))[0]


def bad(db: Path, day: Day, *needles: str) -> str:
    result = run(db, "journal", "verify", env=day.env)
    refused(result, "JOURNAL ALTÉRÉ", code=1)
    for needle in needles:
        assert needle in result.stdout, result.stdout
    return result.stdout


def test_a_whole_journal_verifies(day: Day) -> None:
    result = run(day.db, "journal", "verify", env=day.env)
    assert result.returncode == 0, result.stderr + result.stdout
    said = f"Journal intact : {day.rows} ligne(s) vérifiée(s). Tête de la chaîne : {day.head}"
    assert said in result.stdout
    kinds = {k for (k,) in rows(day.db, "SELECT kind FROM journal")}
    assert {"user_added", "sign_in", "pin_failed", "approval_refused", "till_opened"} <= kinds


def test_an_empty_journal(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    assert run(tmp_path / "vide.db", "init", env=env).returncode == 0
    result = run(tmp_path / "vide.db", "journal", "verify", env=env)
    assert result.returncode == 0 and "Journal vide" in result.stdout


def test_a_row_edited(day: Day) -> None:
    db = copy(day, "edited.db")
    seq, at = seq_of(db, "pin_failed")
    execute(db, f"UPDATE journal SET actor = 'Nadia' WHERE seq = {seq}")  # blame someone else
    said = bad(db, day, f"ligne n° {seq} (pin_failed, {at}) : son contenu a été modifié")
    assert f"{seq - 1} ligne(s) vérifiée(s) avant la faute" in said


def test_a_row_deleted(day: Day) -> None:
    db = copy(day, "deleted.db")
    seq, _at = seq_of(db, "pin_failed")
    execute(db, f"DELETE FROM journal WHERE seq = {seq}")  # hide a wrong PIN
    following = rows(db, "SELECT kind, at FROM journal WHERE seq = ?", (seq + 1,))[0]
    bad(db, day, f"ligne n° {seq} absente",
        f"ligne suivante présente : ligne n° {seq + 1} ({following[0]}, {following[1]})")


def test_a_row_inserted_in_the_middle_with_a_well_formed_hash(day: Day) -> None:
    """A forger who knows the algorithm: the new row's own hash is right, its successor's link is not."""
    db = copy(day, "inserted.db")
    seq, at = seq_of(db, "till_opened")
    (previous,) = rows(db, "SELECT hash FROM journal WHERE seq = ?", (seq - 1,))[0]
    data = '{"user":2}'
    forged = chain(previous, content(seq, at, "sign_in", "Samir", "", "Caisse 1", data))
    execute(
        db,
        f"UPDATE journal SET seq = seq + 100000 WHERE seq >= {seq}",  # make room (seq is unique)
        "UPDATE journal SET seq = seq - 99999 WHERE seq >= 100000",
        "INSERT INTO journal (seq, at, kind, actor, approved_by, desk, data, prev_hash, hash) VALUES "
        f"({seq}, '{at}', 'sign_in', 'Samir', '', 'Caisse 1', '{data}', '{previous}', '{forged}')",
    )
    bad(db, day, f"ligne n° {seq + 1} (till_opened, {at}) : son lien à la ligne précédente ne correspond pas")


def test_a_row_inserted_with_a_made_up_hash(day: Day) -> None:
    db = copy(day, "made_up.db")
    last = day.rows
    execute(
        db,
        f"UPDATE journal SET seq = seq + 100000 WHERE seq >= {last}",
        "UPDATE journal SET seq = seq - 99999 WHERE seq >= 100000",
        "INSERT INTO journal (seq, at, kind, actor, approved_by, desk, data, prev_hash, hash) "
        f"SELECT {last}, at, 'sign_in', 'Karim', '', desk, '{{}}', hash, '{'0' * 64}' "
        f"FROM journal WHERE seq = {last - 1}",
    )
    bad(db, day, f"ligne n° {last} (sign_in, ")


def test_a_vouched_row_changed_missing_or_unjournaled(day: Day) -> None:
    seq, at = seq_of(day.db, "till_opened")
    changed = copy(day, "float.db")
    execute(changed, "UPDATE till_session SET float_cents = 23200")  # 200 DH less in the float
    bad(changed, day, f"ligne n° {seq} (till_opened, {at}) : la session de caisse n° 1 ne contient plus "
                      "ce que la ligne a enregistré (float_cents)")
    extra = copy(day, "extra.db")
    execute(extra, "INSERT INTO till_session (desk, status, opened_by, opened_at, float_cents, float_counts) "
                   "VALUES ('Caisse 2', 'open', 'Personne', '2026-11-28 09:00:00', 0, '{}')")
    bad(extra, day, "la session de caisse n° 2 existe sans la ligne du journal")
    missing = copy(day, "missing.db")
    execute(missing, "DELETE FROM till_session")
    bad(missing, day, f"ligne n° {seq} (till_opened, {at}) : la session de caisse n° 1 qu'elle enregistre "
                      "a disparu")


@pytest.mark.both_stores
def test_verify_on_both_stores(store_location: str, tmp_path: Path) -> None:
    """The command on SQLite and PostgreSQL: intact, then one row's actor changed by SQL."""
    store.connect(store_location)
    try:
        people.add_user("Amina", "admin", "9731")
        ctx = people.sign_in("Amina", "9731", "Caisse 1", today=DAY)
        till.open_till(ctx, {10000: 1})
        seq, head = journal.head()
    finally:
        store.close()
    env = clean_env(tmp_path)
    result = run(store_location, "journal", "verify", env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert f"{seq} ligne(s) vérifiée(s). Tête de la chaîne : {head}" in result.stdout
    store.connect(store_location)
    try:
        store.database.obj.execute_sql("UPDATE journal SET actor = 'Personne' WHERE seq = 2")
        row = JournalEntry.get(JournalEntry.seq == 2)
        kind, at = row.kind, row.at
    finally:
        store.close()
    result = run(store_location, "journal", "verify", env=env)
    refused(result, f"ligne n° 2 ({kind}, {at}) : son contenu a été modifié", code=1)

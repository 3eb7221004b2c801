"""``carnet-tui export``: a period's rows as CSV files a French Excel opens, all or nothing, journaled.

Sales, payments, voids and reprints are made by the real services (a signed-in cashier, an open till,
a responsable's approvals). Cash movements and Z reports are written with the models: their services
(the till's X/Z work) are not on this branch yet.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from support.cli import clean_env, refused, rows, run
from support.day import approval, counter_context

from carnet_tui.domain.payment import PaymentInput
from carnet_tui.services import export, journal, printing, sales
from carnet_tui.services.journal import Fault
from carnet_tui.settings import Settings
from carnet_tui.store import db as store
from carnet_tui.store.models import CashMovement, TillSession, ZReport

TODAY = date.today()  # payments, voids and reprints carry the clock's time; the sale day is ctx.today
LATER = TODAY + timedelta(days=40)
FORMULA = '=HYPERLINK("http://x.example/";"clic")'
REASON = "Ticket froissé ; client « Zoé » dit \"encore\""


@dataclass(frozen=True)
class Period:
    db: Path
    env: dict[str, str]
    sale_number: int
    later_number: int
    session_id: int
    tmp: Path


def _at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second)


@pytest.fixture
def made(tmp_path: Path, manual_catalog) -> tuple[int, int, int]:
    """The period's rows in the open store: (sale number, the later sale's number, session id)."""
    ctx = counter_context(today=TODAY)
    request = sales.LineRequest("V", manual_catalog.model_id, manual_catalog.visitor_tariff_id, 1, 60)
    sale = sales.open_sale(ctx)
    paid = sales.pay_line(ctx, sale, request, PaymentInput("cash", 600000))
    voided = sales.pay_line(ctx, sale, request, PaymentInput("card", reference="TPE 0042"))
    sales.void_line(ctx, voided.line_id, FORMULA, approval(ctx, "void"))
    sales.close_sale(ctx, sale)
    settings = Settings(data_dir=tmp_path / "data")
    printing.print_receipt(ctx, sale, settings)
    printing.reprint_receipt(ctx, sale, settings, REASON, approval(ctx, "reprint"))

    later_ctx = counter_context(today=LATER)  # the same open till, a sale day out of the period
    later = sales.open_sale(later_ctx)
    later_paid = sales.pay_line(later_ctx, later, request, PaymentInput("cheque", cheque_number="0001234"))

    # the till's movements and Z: with the models (their services are another branch's)
    session = TillSession.get_by_id(ctx.session_id)
    CashMovement.create(session=session, kind="withdrawal", amount_cents=20000, reason="Banque",
                        done_by="amina", approved_by="karim", done_at=_at(TODAY, 0, 0, 0))
    CashMovement.create(session=session, kind="deposit", amount_cents=5050, reason="-monnaie",
                        done_by="amina", approved_by="karim", done_at=_at(TODAY + timedelta(days=1), 0))
    session.status, session.closed_at, session.closed_by = "closed", _at(TODAY, 20), "amina"
    session.counted_cents, session.z_number = 23000, 1
    session.save()
    body = {"by_method": {"cash_cents": 550000, "card_cents": 0}, "lines": 1, "voids": [{"reason": FORMULA}],
            "cash": {"expected_cents": 25000, "counted_cents": 23000, "difference_cents": -2000},
            "short": True}
    ZReport.create(session=session, desk=session.desk, number=1, body=json.dumps(body),
                   journal_head=journal.head()[1], created_at=_at(TODAY, 20))
    assert paid.total_cents == 550000 and later_paid.sale_number == paid.sale_number + 1
    return paid.sale_number, later_paid.sale_number, session.id


@pytest.fixture
def period(tmp_path: Path, made: tuple[int, int, int]) -> Period:
    """The same rows in a SQLite file, closed: the command runs in its own process."""
    db = Path(str(store.database.obj.database))
    store.close()
    return Period(db, clean_env(tmp_path), *made, tmp_path)


def read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), path  # the BOM: Excel then reads UTF-8
    assert b"\r\n" in raw
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def exported(p: Period, *args: str) -> Path:
    out = p.tmp / "export"
    result = run(p.db, "export", "--from", (TODAY - timedelta(days=1)).isoformat(), "--to",
                 TODAY.isoformat(), "--out", str(out), *args, env=p.env)
    assert result.returncode == 0, result.stderr
    assert f"dans {out}" in result.stdout and "ventes.csv (1 ligne(s))" in result.stdout
    return out


def test_the_period_as_csv_files(period: Period) -> None:
    out = exported(period)
    assert sorted(p.name for p in out.iterdir()) == sorted(export.FILES)

    (sale,) = read(out / "ventes.csv")
    assert sale["vente"] == str(period.sale_number) and sale["date_vente"] == TODAY.isoformat()
    assert sale["statut"] == "closed" and sale["caissier"] == "amina" and sale["caisse"] == "Caisse 1"
    assert sale["total_dh"] == "5500,00"  # the voided line left out

    lines = read(out / "lignes.csv")
    assert [(r["position"], r["total_dh"], r["annulee"]) for r in lines] == [
        ("1", "5500,00", "non"), ("2", "5500,00", "oui")]
    assert lines[0]["prix_unitaire_dh"] == "5500,00" and lines[0]["modele"] == "Carnet 15 entrées"

    payments = read(out / "paiements.csv")
    assert [(r["mode"], r["montant_dh"], r["remis_dh"], r["rendu_dh"]) for r in payments] == [
        ("cash", "5500,00", "6000,00", "500,00"), ("card", "5500,00", "5500,00", "0,00")]
    assert payments[1]["reference"] == "TPE 0042" and payments[0]["session"] == str(period.session_id)

    (void,) = read(out / "annulations.csv")
    assert void["motif"] == "'" + FORMULA  # a spreadsheet shows it, never runs it
    assert (void["annulee_par"], void["approuvee_par"], void["montant_dh"]) == ("amina", "karim", "5500,00")

    first, reprint = read(out / "reimpressions.csv")  # the sale's print history: original, DUPLICATA
    assert (first["quoi"], first["motif"]) == ("receipt", "")
    assert reprint["quoi"] == "receipt" and reprint["motif"] == REASON and "duplicata" in reprint["detail"]
    assert (reprint["par"], reprint["approuvee_par"]) == ("amina", "karim")

    (movement,) = read(out / "mouvements_caisse.csv")  # the next day's deposit is out of the period
    assert (movement["type"], movement["montant_dh"]) == ("withdrawal", "200,00")
    assert movement["caisse"] == "Caisse 1"
    assert movement["le"] == f"{TODAY.isoformat()} 00:00:00"

    (z,) = read(out / "rapports_z.csv")
    assert (z["caisse"], z["numero"], z["cloture_le"]) == ("Caisse 1", "1", f"{TODAY.isoformat()} 20:00:00")
    assert (z["fond_dh"], z["compte_dh"]) == ("250,00", "230,00")
    assert z["by_method.cash_dh"] == "5500,00" and z["cash.difference_dh"] == "-20,00"
    assert z["voids.0.reason"] == "'" + FORMULA and z["short"] == "oui" and z["lines"] == "1"


def test_the_export_is_journaled_and_the_chain_holds(period: Period) -> None:
    out = exported(period)
    last = "SELECT kind, actor, data FROM journal ORDER BY seq DESC LIMIT 1"
    (kind, actor, data) = rows(period.db, last)[0]
    assert kind == "export" and actor.startswith("système")
    said = json.loads(data)
    assert (said["from"], said["to"], said["folder"]) == (
        (TODAY - timedelta(days=1)).isoformat(), TODAY.isoformat(), str(out))
    assert said["files"]["ventes.csv"]["rows"] == 1
    digest = hashlib.sha256((out / "lignes.csv").read_bytes()).hexdigest()
    assert said["files"]["lignes.csv"]["sha256"] == digest
    store.connect(str(period.db))
    try:
        verdict = journal.verify()
    finally:
        store.close()
    # the chain is whole; only the movements and Z written here without their events are named
    assert verdict.rows == rows(period.db, "SELECT MAX(seq) FROM journal")[0][0]
    assert verdict.fault == Fault.UNJOURNALED and verdict.detail.split()[0] in ("cash_movement", "z_report")


def test_a_later_period_and_an_empty_one(period: Period) -> None:
    out = period.tmp / "plus-tard"
    result = run(period.db, "export", "--from", LATER.isoformat(), "--to", LATER.isoformat(),
                 "--out", str(out), env=period.env)
    assert result.returncode == 0, result.stderr
    (sale,) = read(out / "ventes.csv")
    assert sale["vente"] == str(period.later_number) and sale["statut"] == "open"
    assert [r["mode"] for r in read(out / "paiements.csv")] == ["cheque"]
    assert read(out / "annulations.csv") == [] and read(out / "rapports_z.csv") == []
    empty = period.tmp / "vide"
    empty.mkdir()  # an empty folder is taken as the target
    result = run(period.db, "export", "--from", "2001-01-01", "--to", "2001-01-31", "--out", str(empty),
                 env=period.env)
    assert result.returncode == 0, result.stderr
    assert all(read(empty / name) == [] for name in export.FILES)


def test_the_default_folder_name(period: Period) -> None:
    result = run(period.db, "export", "--from", TODAY.isoformat(), "--to", TODAY.isoformat(),
                 env=period.env, cwd=period.tmp)
    assert result.returncode == 0, result.stderr
    assert (period.tmp / f"export_{TODAY.isoformat()}_{TODAY.isoformat()}" / "ventes.csv").is_file()


@pytest.mark.parametrize(
    ("start", "end", "needle"),
    [
        ("2026-02-30", "2026-03-01", "Date invalide (--from) : 2026-02-30."),
        ("28/11/2026", "2026-12-01", "Format attendu : AAAA-MM-JJ"),
        ("2026-11-01", "demain", "Date invalide (--to) : demain."),
        ("2026-12-01", "2026-11-30", "Période vide : le premier jour (2026-12-01) est après le dernier"),
        ("", "2026-11-30", "Date invalide (--from)"),
    ],
)
def test_bad_periods_are_refused(period: Period, start: str, end: str, needle: str) -> None:
    before = rows(period.db, "SELECT COUNT(*) FROM journal")
    refused(run(period.db, "export", "--from", start, "--to", end, "--out", str(period.tmp / "x"),
                env=period.env), needle)
    assert not (period.tmp / "x").exists()
    assert rows(period.db, "SELECT COUNT(*) FROM journal") == before


def test_a_folder_that_cannot_be_written_leaves_nothing(period: Period) -> None:
    before = rows(period.db, "SELECT COUNT(*) FROM journal")
    taken = period.tmp / "pris"
    taken.mkdir()
    (taken / "notes.txt").write_text("à garder")
    day = TODAY.isoformat()
    cases = [
        (taken, "existe déjà et n'est pas vide"),
        (period.tmp / "absent" / "export", "n'existe pas"),
        (Path("/proc/carnet-export"), "rien n'a été écrit"),  # a folder nobody may create
    ]
    for out, needle in cases:
        refused(run(period.db, "export", "--from", day, "--to", day, "--out", str(out), env=period.env),
                needle)
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
    assert not (period.tmp / "absent").exists()
    assert not [p for p in period.tmp.iterdir() if p.name.startswith(".export-")]
    assert rows(period.db, "SELECT COUNT(*) FROM journal") == before


def test_cells() -> None:
    assert [export.dh(c) for c in (0, 5, 50, 550000, -2000, -5, None)] == [
        "0,00", "0,05", "0,50", "5500,00", "-20,00", "-0,05", ""]
    assert [export.text(t) for t in ("=1+1", "+212", "-x", "@a", "Zoé", "a\x1b\x07\u202eb", None)] == [
        "'=1+1", "'+212", "'-x", "'@a", "Zoé", "ab", ""]
    assert export.flatten({"a": {"b_cents": 150, "c": [True, 1.5]}}) == {
        "a.b_dh": "1,50", "a.c.0": "oui", "a.c.1": "1,5"}


@pytest.mark.both_stores
def test_export_period_on_both_stores(made: tuple[int, int, int], tmp_path: Path) -> None:
    """The service itself, on SQLite and PostgreSQL: the same rows, the same cells."""
    number, later, _session = made
    result = export.export_period(TODAY - timedelta(days=1), TODAY, tmp_path / "out", by="système (test)")
    assert result.files == {"ventes.csv": 1, "lignes.csv": 2, "paiements.csv": 2, "annulations.csv": 1,
                            "reimpressions.csv": 2, "mouvements_caisse.csv": 1, "rapports_z.csv": 1}
    (sale,) = read(tmp_path / "out" / "ventes.csv")
    assert (sale["vente"], sale["date_vente"]) == (str(number), TODAY.isoformat())
    assert sale["total_dh"] == "5500,00"
    payments = read(tmp_path / "out" / "paiements.csv")
    assert [(r["mode"], r["rendu_dh"]) for r in payments] == [("cash", "500,00"), ("card", "0,00")]
    assert all(len(r["paye_le"]) == 19 for r in payments)  # AAAA-MM-JJ HH:MM:SS on both stores
    (z,) = read(tmp_path / "out" / "rapports_z.csv")
    assert z["cloture_le"] == f"{TODAY.isoformat()} 20:00:00" and z["cash.difference_dh"] == "-20,00"
    (movement,) = read(tmp_path / "out" / "mouvements_caisse.csv")
    assert movement["le"] == f"{TODAY.isoformat()} 00:00:00"
    last = journal.head()[0]
    assert journal.verify().rows == last  # the export's row chained on
    later_out = export.export_period(LATER, LATER, tmp_path / "later")
    assert read(later_out.folder / "ventes.csv")[0]["vente"] == str(later)


def test_a_journal_that_refuses_the_row_leaves_no_folder(made: tuple[int, int, int], tmp_path: Path) -> None:
    """The files are written, then the journal's write fails (a trigger, as a damaged or hostile
    store could): neither the folder nor a hidden half of it stays."""
    store.database.obj.execute_sql(
        "CREATE TRIGGER no_export BEFORE INSERT ON journal WHEN NEW.kind = 'export' "
        "BEGIN SELECT RAISE(ABORT, 'export refusé'); END")
    before = journal.head()
    with pytest.raises(Exception):  # noqa: B017 - whatever the store says, nothing stays
        export.export_period(TODAY, TODAY, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export-")]
    assert journal.head() == before

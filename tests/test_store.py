"""Opening the store: pragmas, schema versions, and the files it must refuse."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support.day import CHILD_CONTEXT

from carnet_tui.domain.errors import DomainError
from carnet_tui.store import db as store
from carnet_tui.store.models import Client, Setting


def test_pragmas_as_designed(connected):
    pragma = lambda name: connected.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2
    assert pragma("busy_timeout") >= 5000
    assert store.schema_version(connected) == store.SCHEMA_VERSION


def test_url_and_env_select_the_file(tmp_path, monkeypatch):
    path = tmp_path / "by-url.db"
    database = store.connect(f"sqlite:///{path}")
    database.close()
    assert path.exists()
    env_path = tmp_path / "by-env.db"
    monkeypatch.setenv("CARNET_DB", str(env_path))
    store.connect(None).close()
    assert env_path.exists()


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(DomainError) as caught:
        store.connect(str(tmp_path / "nowhere" / "carnet.db"))
    assert "n'existe pas" in caught.value.message
    assert not (tmp_path / "nowhere").exists()


def test_read_only_file_is_refused_and_unchanged(db_path):
    store.connect(str(db_path)).close()
    before = db_path.read_bytes()
    os.chmod(db_path, 0o444)
    try:
        with pytest.raises(DomainError) as caught:
            store.connect(str(db_path))
        assert "lecture seule" in caught.value.message
    finally:
        os.chmod(db_path, 0o644)
    assert db_path.read_bytes() == before


def test_newer_schema_is_refused(db_path):
    store.connect(str(db_path))
    Setting.update(value="99").where(Setting.key == "schema_version").execute()
    store.close()
    with pytest.raises(DomainError) as caught:
        store.connect(str(db_path))
    assert "plus récent" in caught.value.message
    assert sqlite3.connect(db_path).execute(
        "SELECT value FROM setting WHERE key='schema_version'"
    ).fetchone() == ("99",)


def test_older_schema_is_upgraded(db_path):
    database = store.connect(str(db_path))
    database.execute_sql("DROP INDEX billet_unsent")
    Setting.update(value="1").where(Setting.key == "schema_version").execute()
    store.close()
    database = store.connect(str(db_path))
    assert store.schema_version(database) == store.SCHEMA_VERSION
    names = {r[0] for r in database.execute_sql("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "billet_unsent" in names


def test_unknown_url_is_refused():
    with pytest.raises(DomainError):
        store.connect("mongodb://localhost/x")


@pytest.mark.both_stores
def test_write_rolls_back_everything(connected):
    def half_then_fail():
        Client.create(name="X", beneficiary_type="V")
        raise DomainError("err.client.name_required")

    with pytest.raises(DomainError):
        store.write(half_then_fail)
    assert Client.select().count() == 0


@pytest.mark.both_stores
def test_a_failing_write_is_a_clear_refusal_and_rolls_back(connected):
    from peewee import OperationalError

    def write_then_disk_error():
        Client.create(name="X", beneficiary_type="V")
        raise OperationalError("database or disk is full")

    with pytest.raises(DomainError) as caught:
        store.write(write_then_disk_error)
    assert caught.value.key == "err.db.full" and caught.value.message.startswith("Disque plein")
    assert Client.select().count() == 0


@pytest.mark.both_stores
def test_any_other_storage_error_is_a_french_refusal_with_sqlite_words(connected):
    from peewee import InternalError

    def write_then_odd_error():
        Client.create(name="X", beneficiary_type="V")
        raise InternalError("something unheard of")

    with pytest.raises(DomainError) as caught:
        store.write(write_then_odd_error)
    assert caught.value.key == "err.db.failed"
    assert caught.value.message == "Erreur de la base de données : something unheard of"
    assert Client.select().count() == 0


PAYER = CHILD_CONTEXT + textwrap.dedent(
    """
    import os, sys
    from datetime import date
    from carnet_tui.store import db
    from carnet_tui.services import sales
    from carnet_tui.domain.payment import PaymentInput
    db.connect(sys.argv[1])
    ctx = desk_context(f"Caisse {os.getpid()}")
    model_id, tariff_id, lines = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    for _ in range(lines):
        sale = sales.open_sale(ctx)
        sales.pay_line(ctx, sale, sales.LineRequest("V", model_id, tariff_id, 2, 60), PaymentInput("card"))
    print("ok")
    """
)


def test_two_processes_never_share_a_number(manual_catalog, db_path):
    store.close()
    args = [sys.executable, "-c", PAYER, str(db_path), str(manual_catalog.model_id),
            str(manual_catalog.visitor_tariff_id), "15"]
    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == "ok"
    con = sqlite3.connect(db_path)
    sale_numbers = [r[0] for r in con.execute("SELECT number FROM sale ORDER BY number")]
    assert sale_numbers == list(range(1, 31))
    carnets = [r[0] for r in con.execute("SELECT number FROM carnet")]
    assert len(carnets) == 60 == len(set(carnets))
    billets = con.execute("SELECT COUNT(*), COUNT(DISTINCT number) FROM billet").fetchone()
    assert billets == (900, 900)


def test_non_ui_modules_import_without_textual():
    package = Path(__file__).resolve().parents[1] / "carnet_tui"
    modules = sorted(
        "carnet_tui." + ".".join(p.relative_to(package).with_suffix("").parts)
        for p in package.rglob("*.py")
        if "ui" not in p.relative_to(package).parts[:1] and p.name != "__main__.py"
    )
    modules = [m.removesuffix(".__init__") for m in modules]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if m.startswith('textual'))\n"
        "print(len(" + repr(modules) + "))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 10

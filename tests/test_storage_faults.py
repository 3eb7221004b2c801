"""Storage faults on real files: refusals in French, rolled back, never a traceback or a ghost.

The database file deleted or replaced under the running app, pages damaged on disk, a disk that
fills up (a real tmpfs), a disk that refuses to write (a file size limit): each is a DomainError with
its own words, nothing is written where it must not be, nothing committed before is lost.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from datetime import date
from pathlib import Path

import pytest
from support.day import CHILD_CONTEXT, counter_context
from support.storage import damage_middle, damage_table, fill_disk, integrity, rows, small_disk

from carnet_tui.domain.clients import ClientInput
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.services import clients, demo, sales
from carnet_tui.store import db as store
from carnet_tui.store.models import Client, SaleLine

DAY = date(2019, 12, 20)
GONE = "Le fichier de la base a disparu ou a été remplacé : rien n'a été enregistré"


def _pay(catalog, quantity: int = 1) -> int:
    ctx = counter_context()
    sale_id = sales.open_sale(ctx)
    request = sales.LineRequest("V", catalog.model_id, catalog.visitor_tariff_id, quantity, 60)
    sales.pay_line(ctx, sale_id, request, PaymentInput("card"))
    return sale_id


def _refused(key: str, action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.key == key, caught.value.message
    assert "cannot rollback" not in caught.value.message
    return caught.value


def _read_in_a_new_thread(action) -> BaseException | None:
    """What a UI worker meets: its own, new connection."""
    found: list[BaseException | None] = [None]

    def run() -> None:
        try:
            action()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            found[0] = exc
        finally:
            store.database.obj.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    return found[0]


def test_a_deleted_file_refuses_every_write_and_is_never_recreated(manual_catalog, db_path):
    _pay(manual_catalog)
    kept = db_path.with_name("kept.db")
    os.link(db_path, kept)  # the inode the app still holds, seen from outside
    db_path.unlink()

    error = _refused("err.db.gone", lambda: _pay(manual_catalog))
    assert error.message.startswith(f"{GONE} ({db_path}). Quittez, remettez le fichier d'origine")
    _refused("err.db.gone", lambda: clients.create_client(ClientInput("Après", "V")))
    # a worker thread opening its connection must not create an empty ghost at the path
    failed = _read_in_a_new_thread(lambda: Client.select().count())
    assert isinstance(failed, DomainError) and failed.key == "err.db.gone"
    assert not db_path.exists()

    store.close()
    assert not db_path.exists()
    # SQLite does not checkpoint into a moved file: what was committed waits in carnet.db-wal, and
    # putting the file back where it was gives it all back, with nothing from after the deletion
    os.rename(kept, db_path)
    assert integrity(db_path) == "ok"
    assert rows(db_path, "sale_line") == 1 and rows(db_path, "client") == 0 and rows(db_path, "billet") == 15


def test_a_replaced_file_is_refused_and_neither_file_changes(manual_catalog, db_path, tmp_path, ctx):
    _pay(manual_catalog)
    aside = tmp_path / "moved.db"
    os.rename(db_path, aside)
    shutil.copy(aside, db_path)  # a backup put back while the app runs: same content, another file
    before = db_path.read_bytes()

    _refused("err.db.gone", lambda: _pay(manual_catalog))
    _refused("err.db.gone", lambda: sales.open_sale(ctx))
    failed = _read_in_a_new_thread(lambda: SaleLine.select().count())
    assert isinstance(failed, DomainError) and failed.key == "err.db.gone"

    store.close()
    assert db_path.read_bytes() == before  # nothing went into the file put in its place
    os.replace(aside, db_path)  # the original put back: every committed line is there
    assert integrity(db_path) == "ok" and rows(db_path, "sale_line") == 1 and rows(db_path, "sale") == 1


def _damaged_store(db_path: Path, catalog) -> int:
    sale_id = _pay(catalog, quantity=2)  # early pages: the sale, before the mass of clients
    demo.generate_clients(4000)
    store.close()
    damage_middle(db_path)
    store.connect(str(db_path))
    return sale_id


def test_damaged_pages_make_writes_a_refusal_not_a_traceback(manual_catalog, db_path):
    _damaged_store(db_path, manual_catalog)
    refusals = set()
    for n in range(20):  # the new rows land in damaged b-tree pages sooner or later
        try:
            clients.create_client(ClientInput(f"Nouveau client {n}", "V", f"06{n:08d}"))
        except DomainError as exc:
            refusals.add(exc.key)
            assert "endommagé" in exc.message and "rien n'a été enregistré" in exc.message
    assert refusals == {"err.db.damaged"}


def test_damaged_pages_are_refused_in_french_by_the_cli(manual_catalog, db_path, tmp_path):
    _damaged_store(db_path, manual_catalog)
    store.close()
    csv = tmp_path / "clients.csv"
    csv.write_text("name,beneficiary_type,phone\n" + "".join(f"Client {n},V,06{n:08d}\n" for n in range(300)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}
    env["CARNET_CONFIG"] = str(tmp_path / "absent.toml")
    for args in (["import", str(csv)], ["demo-clients", "--count", "2000"]):
        result = subprocess.run(
            [sys.executable, "-m", "carnet_tui", "--db", str(db_path), *args],
            capture_output=True, text=True, env=env, timeout=120,
        )
        assert result.returncode == 2, result
        assert "Traceback" not in result.stderr + result.stdout
        assert "endommagé" in result.stderr or "Impossible d'ouvrir" in result.stderr, result.stderr


def test_a_full_disk_is_refused_in_french_and_loses_nothing(manual_catalog_on_small_disk):
    catalog, folder = manual_catalog_on_small_disk
    db_path = folder / "carnet.db"
    _pay(catalog)
    filler = fill_disk(folder)
    paid, error = 1, None
    for _ in range(50):  # the WAL may still have room for a few lines: pay until the disk says no
        try:
            _pay(catalog)
            paid += 1
        except DomainError as exc:
            error = exc
            break
    assert error is not None, "the full disk never refused a write"
    assert error.key == "err.db.full"
    assert error.message.startswith("Disque plein : la base de données n'a rien enregistré.")
    assert SaleLine.select().count() == paid  # the refused line left nothing
    _refused("err.db.full", lambda: _pay(catalog))  # again: still a refusal, no stuck transaction

    filler.unlink()  # the manager frees some space: the very same session works again
    _pay(catalog)
    assert SaleLine.select().count() == paid + 1
    store.close()
    assert integrity(db_path) == "ok" and rows(db_path, "sale_line") == paid + 1


@pytest.fixture
def manual_catalog_on_small_disk():
    from carnet_tui.store.models import CarnetModel, Tariff

    with small_disk("3m") as folder:
        if isinstance(folder, str):
            pytest.skip(folder)
        store.connect(str(folder / "carnet.db"))
        try:
            model = CarnetModel.create(name="Carnet 15 entrées", billets_count=15, validity_days=60)
            tariff = Tariff.create(model=model, label="Plein tarif", price_cents=550000)

            class Catalog:
                model_id = model.id
                visitor_tariff_id = tariff.id

            yield Catalog, folder
        finally:
            store.close()


IO_ERROR = CHILD_CONTEXT + textwrap.dedent(
    """
    import os, resource, signal, sys
    from datetime import date
    from carnet_tui.domain.errors import DomainError
    from carnet_tui.domain.payment import PaymentInput
    from carnet_tui.services import sales
    from carnet_tui.store import db
    path, model_id, tariff_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    db.connect(path)
    ctx = desk_context("Caisse 1")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the kernel then says EFBIG: a write error
    limit = max(os.path.getsize(path), os.path.getsize(path + "-wal")) + 4096
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    paid = 0
    try:
        for _ in range(200):
            sale = sales.open_sale(ctx)
            sales.pay_line(ctx, sale, sales.LineRequest("V", model_id, tariff_id, 1, 60),
                           PaymentInput("card"))
            paid += 1
    except DomainError as exc:
        print(paid, exc.key, exc.message, sep="|")
    """
)


def test_a_disk_write_error_is_refused_in_french_and_loses_nothing(manual_catalog, db_path):
    _pay(manual_catalog)
    store.close()
    result = subprocess.run(
        [sys.executable, "-c", IO_ERROR, str(db_path), str(manual_catalog.model_id),
         str(manual_catalog.visitor_tariff_id)],
        capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    paid, key, message = result.stdout.strip().split("|")
    assert key == "err.db.io"
    assert message.startswith("Erreur de lecture ou d'écriture sur le disque de la base de données")
    assert integrity(db_path) == "ok"
    assert rows(db_path, "sale_line") == 1 + int(paid)


def _app_on(db_path: Path, tmp_path: Path):
    import dataclasses

    from support.ui import make_app

    from carnet_tui.settings import Settings

    store.connect(str(db_path))
    return make_app(dataclasses.replace(Settings(db=str(db_path)), data_dir=tmp_path / "data"))


async def test_a_search_over_damaged_pages_says_so_in_the_window(db_path, tmp_path):
    store.connect(str(db_path))
    demo.load_demo()
    demo.generate_clients(4000)
    store.close()
    damage_middle(db_path)
    app = _app_on(db_path, tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("alt+a")
            table = None
            for _ in range(100):  # the search runs in a worker
                await pilot.press("m", "o", "h", "a", "backspace", "backspace", "backspace", "backspace")
                await pilot.pause(0.05)
                table = app.screen.query_one("#sold-table")
                if "endommagé" in str(table.border_subtitle):
                    break
            assert str(table.border_subtitle).startswith("Le fichier de la base de données est endommagé")
            assert app.return_code is None  # still answering: the cashier can quit or go on
    finally:
        store.close()


async def test_a_read_fault_in_a_window_stops_the_counter_with_french_words(db_path, tmp_path):
    store.connect(str(db_path))
    demo.load_demo()
    store.close()  # checkpointed: the catalog's pages are in the file
    damage_table(db_path, "carnet_model")
    app = _app_on(db_path, tmp_path)
    try:
        async with app.run_test(size=(80, 24)):
            # Alt+A's action (pilot.press would wait for the broken window to answer): the window
            # reads the catalog as it opens
            await app.run_action("open_sale")
            for _ in range(100):
                if app.return_code is not None:
                    break
                await asyncio.sleep(0.05)
    finally:
        store.close()
    assert app.return_code == 2
    assert app.refusal and app.refusal.startswith("Le fichier de la base de données est endommagé")
    assert "Traceback" not in app.refusal


def test_init_on_a_full_disk_says_so_in_french(tmp_path):
    with small_disk("1m") as folder:
        if isinstance(folder, str):
            pytest.skip(folder)
        filler = fill_disk(folder)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}
        env["CARNET_CONFIG"] = str(tmp_path / "absent.toml")
        result = subprocess.run(
            [sys.executable, "-m", "carnet_tui", "--db", str(folder / "c.db"), "init"],
            capture_output=True, text=True, env=env, timeout=120,
        )
        filler.unlink()
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("Disque plein : la base de données n'a rien enregistré."), result.stderr


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("database or disk is full", "full"),
        ("database disk image is malformed", "damaged"),
        ("file is not a database", "damaged"),
        ("disk I/O error", "io"),
        ("attempt to write a readonly database", "readonly"),
        ("database is locked", "busy"),
        ("no such table: sale", "gone"),
        ("something unheard of", "other"),
    ],
)
def test_the_first_error_is_named_not_the_rollback_that_failed_after_it(words, kind):
    from peewee import OperationalError

    from carnet_tui.store import faults

    try:
        try:
            raise OperationalError(words)
        except OperationalError:
            raise OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except OperationalError as exc:
        assert faults.kind_of(exc) == kind
        assert faults.detail_of(exc) == words
        assert "cannot rollback" not in faults.refusal(exc, "/x/carnet.db").message

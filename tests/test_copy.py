"""``carnet-tui copy`` (issue 9): a venue's store from SQLite to PostgreSQL and back, every count and
every number the same; a non-empty target refused; the copy then serves desks (new rows follow)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from support import pg
from support.day import approval, counter_context
from test_drill_payment import DESK, _spawn
from test_print_support import manual_sale, settings_for

from carnet_tui.domain.clients import ClientInput
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.services import clients, demo, printing, sales
from carnet_tui.store import db as store
from carnet_tui.store.models import TABLES, CarnetModel, Tariff, database

pytestmark = pytest.mark.skipif(not pg.available(), reason="PostgreSQL is not installed here")
DAY = date(2019, 12, 20)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "carnet_tui", *args], capture_output=True, text=True,
                          timeout=120)


def fingerprint(location: str) -> dict[str, object]:
    """Every table's count and every row of every table (ids, numbers, counters, settings)."""
    store.connect(location)
    try:
        found: dict[str, object] = {}
        for model in TABLES:
            rows = model.select().order_by(*model._meta.get_primary_keys()).tuples()
            found[model._meta.table_name] = [tuple(str(v) for v in r) for r in rows]
        queries = ("elodie", "ben", "06", "a")
        found["search"] = {q: [c.id for c in clients.search(q, limit=200)] for q in queries}
        return found
    finally:
        store.close()


def venue(path: str, tmp_path: Path) -> None:
    """A venue's SQLite store: demo catalog and clients, sales closed, printed, voided, invoiced."""
    store.connect(path)
    demo.load_demo()
    ctx = counter_context()
    model = CarnetModel.create(name="Carnet copie 15", billets_count=15, validity_days=60)
    tariff = Tariff.create(model=model, label="Plein tarif", price_cents=550000)

    class Catalog:
        model_id, visitor_tariff_id = model.id, tariff.id

    first = manual_sale(Catalog)
    settings = settings_for(tmp_path, f"file:{tmp_path / 'out.bin'}")
    printing.print_carnet(ctx, sales.sale_carnets(first)[0].carnet_id, settings)
    printing.print_invoice(ctx, first, settings)
    second = sales.open_sale(ctx)
    line = sales.pay_line(ctx, second, sales.LineRequest("V", model.id, tariff.id, 1, 60),
                          PaymentInput("card"))
    sales.void_line(ctx, line.line_id, "erreur de saisie", approval(ctx, "void"))
    sales.pay_line(ctx, second, sales.LineRequest("V", model.id, tariff.id, 3, 60), PaymentInput("card"))
    clients.create_client(ClientInput("Élodie Nouvelle", "V", "0600000000"))
    store.close()


def test_sqlite_to_postgresql_and_back_every_count_and_number_matches(tmp_path: Path) -> None:
    store.close()
    url = pg.fresh_database()
    source = str(tmp_path / "venue.db")
    venue(source, tmp_path)
    done = cli("copy", "--from", source, "--to", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Copie terminée : 2 vente(s), 6 carnet(s), 90 billet(s)")
    before = fingerprint(source)
    assert fingerprint(url) == before
    back = str(tmp_path / "back.db")
    done = cli("copy", "--from", url, "--to", back)
    assert done.returncode == 0, done.stderr
    assert fingerprint(back) == before

    # a target that is not empty is refused, and left as it was
    refused = cli("copy", "--from", source, "--to", url)
    assert refused.returncode != 0 and "n'est pas vide" in refused.stderr, refused.stderr
    assert fingerprint(url) == before

    # the copy goes on where the venue stopped: the next sale, carnet and client follow the last ones
    store.connect(url)
    ctx = counter_context()  # the cashier and the desk's open till came with the copy
    model = CarnetModel.get(CarnetModel.name == "Carnet copie 15")
    sale = sales.open_sale(ctx)
    paid = sales.pay_line(ctx, sale, sales.LineRequest("V", model.id, model.tariffs[0].id, 1, 60),
                          PaymentInput("card"))
    assert paid.sale_number == 817 and paid.carnet_numbers == ["20191220-817"]
    created = clients.create_client(ClientInput("Client Après Copie", "V", ""))
    assert created.id == max(int(r[0]) for r in before["client"]) + 1  # type: ignore[union-attr]
    assert [c.id for c in clients.search("apres copie")] == [created.id]
    store.close()


def test_a_copied_store_serves_two_desks_at_once(tmp_path: Path) -> None:
    store.close()
    url = pg.fresh_database()
    source = str(tmp_path / "venue.db")
    venue(source, tmp_path)
    assert cli("copy", "--from", source, "--to", url).returncode == 0
    store.connect(url)
    model = CarnetModel.get(CarnetModel.name == "Carnet copie 15")
    model_id, tariff_id = model.id, model.tariffs[0].id
    store.close()
    script = tmp_path / "desk.py"
    script.write_text(DESK, encoding="utf-8")
    desks = [_spawn(script, url, model_id, tariff_id, seed) for seed in range(2)]
    for desk in desks:
        assert desk.stdout is not None and desk.stdout.readline().strip() == "ready"
    for desk in desks:
        assert desk.stdin is not None
        desk.stdin.write("go\n")
        desk.stdin.flush()
    for desk in desks:
        out, err = desk.communicate(timeout=120)
        assert desk.returncode == 0, err + out[-500:]
    store.connect(url)
    numbers = [r[0] for r in database.obj.execute_sql("SELECT number FROM sale WHERE number IS NOT NULL "
                                                      "ORDER BY number").fetchall()]
    store.close()
    assert numbers == list(range(815, 815 + len(numbers)))  # no gap, none twice, after the copied ones

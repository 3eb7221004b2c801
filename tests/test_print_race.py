"""Two desks printing the same carnet at once: one holds it (the lease), the other is refused or finds
it done; no billet comes out twice as an original."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest
from test_print_support import billet_numbers, manual_sale, parse, settings_for

from carnet_tui.services import printing, sales
from carnet_tui.store import db as store

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)

DESK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from carnet_tui.settings import PrinterSettings, Settings
    from carnet_tui.store import db
    from carnet_tui.services import printing
    db.connect(sys.argv[1])
    from datetime import date
    from carnet_tui.domain.context import Context, Role
    ctx = Context(1, "amina", Role.CAISSIER, "Caisse 1", date(2019, 12, 20), 1)  # the desk's cashier
    out = Path(sys.argv[3])
    settings = Settings(printer=PrinterSettings(url=f"file:{out}"), data_dir=out.parent)
    printing.print_carnet(ctx, int(sys.argv[2]), settings)
    """
)


def test_two_desks_on_one_carnet_never_print_an_original_twice(manual_catalog, tmp_path, store_location):
    sale_id = manual_sale(manual_catalog)
    carnet = sales.sale_carnets(sale_id)[0]
    store.close()
    outputs = [tmp_path / f"desk{k}.bin" for k in (1, 2)]  # new files: file: creates them
    desks = [
        subprocess.Popen([sys.executable, "-c", DESK, store_location, str(carnet.carnet_id), str(out)],
                         stderr=subprocess.PIPE, text=True)
        for out in outputs
    ]
    refused = 0
    for desk in desks:
        _, err = desk.communicate(timeout=120)
        # the desk that comes second while the first prints is refused, in French; or finds it done
        if desk.returncode != 0:
            assert "en cours d'impression à un autre poste" in err, err
            refused += 1
    assert refused <= 1
    docs = [doc for out in outputs if out.exists() for doc in parse(out.read_bytes())]
    originals = [d.billet[0] for d in docs if not d.duplicate]
    assert sorted(originals) == sorted(set(originals))  # never the same number twice as an original
    assert sorted(set(billet_numbers(docs))) == [f"{carnet.number}-{k:03d}" for k in range(1, 16)]
    assert not any(d.duplicate for d in docs)  # one desk printed it all: nothing was left pending
    assert sales.carnet_status(carnet.carnet_id).print_status == "printed"


def test_a_stale_list_of_billets_prints_nothing_already_sent(manual_catalog, tmp_path, ctx):
    """Two threads of one desk (a retry pressed twice): the second waits, then finds all sent."""
    sale_id = manual_sale(manual_catalog)
    carnet = sales.sale_carnets(sale_id)[0]
    out = tmp_path / "one.bin"  # created by the first print (file: never appends to a stranger's file)
    settings = settings_for(tmp_path, f"file:{out}")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def desk() -> None:
        try:
            start.wait()
            printing.print_carnet(ctx, carnet.carnet_id, settings)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=desk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    docs = parse(out.read_bytes())
    assert billet_numbers(docs) == [f"{carnet.number}-{k:03d}" for k in range(1, 16)]
    assert not any(d.duplicate for d in docs)

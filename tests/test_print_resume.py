"""kill -9 mid-carnet with the sale's next carnet never started: at the next start both are offered,
each named with the billets it still owes, and both print (the billet caught in flight as DUPLICATA).

The crash is real: a process prints the sale's carnets in order (as the sale window does) into a
pseudo-terminal printer and is killed with SIGKILL while billet 5 of the first carnet is leaving.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_print_support import PtyPrinter, billet_numbers, manual_sale, parse, settings_for

from carnet_tui.services import printing, sales
from carnet_tui.store.models import Billet, Carnet

REPO = Path(__file__).resolve().parents[1]
SIZE = (80, 24)

DESK = """
import sys
from pathlib import Path
from carnet_tui.store import db
from carnet_tui.services import printing
from carnet_tui.settings import PrinterSettings, Settings

db.connect(sys.argv[1])
from datetime import date
from carnet_tui.domain.context import Context, Role
ctx = Context(1, "amina", Role.CAISSIER, "Caisse 1", date(2019, 12, 20), 1)  # the desk's cashier
settings = Settings(printer=PrinterSettings(url=sys.argv[2], write_timeout_s=120), data_dir=Path(sys.argv[3]))

def progress(done, total):
    if done == 4:
        print("PAUSED", flush=True)
        sys.stdin.readline()

for carnet_id in sys.argv[4:]:
    printing.print_carnet(ctx, int(carnet_id), settings, progress)
"""


def kill_mid_first_carnet(db_path: str, carnet_ids: list[int], tmp_path: Path) -> bytes:
    """Print the carnets in order in a child process; SIGKILL it while the 5th billet is leaving."""
    printer = PtyPrinter()
    child = subprocess.Popen(
        [sys.executable, "-c", DESK, db_path, printer.url, str(tmp_path / "desk"), *map(str, carnet_ids)],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout.readline().strip() == "PAUSED"
        printer.wait_for_cuts(4)
        printer.stop_reading()  # billet 5 hangs in write(): the kill lands mid-billet
        child.stdin.write("go\n")
        child.stdin.flush()
        fifth = Billet.get(Billet.carnet == carnet_ids[0], Billet.seq == 5).id
        deadline = time.monotonic() + 20
        while Billet.get_by_id(fifth).print_state != "pending":
            assert time.monotonic() < deadline, "billet 5 never claimed"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
        return printer.received()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        printer.close()


def test_kill_9_mid_carnet_then_both_carnets_offered_and_printed(manual_catalog, tmp_path, db_path, ctx):
    sale_id = manual_sale(manual_catalog)
    first, second = sales.sale_carnets(sale_id)
    out = kill_mid_first_carnet(str(db_path), [first.carnet_id, second.carnet_id], tmp_path)
    assert billet_numbers(parse(out))[:4] == [f"20191220-815-{k:03d}" for k in range(1, 5)]

    offered = printing.unfinished_carnets()
    assert [(c.number, c.billets_sent, c.billets_pending) for c in offered] == [
        ("20191220-815", 4, 1),  # cut short, billet 5 in flight
        ("20191220-815A", 0, 0),  # never started: owed all the same
    ]
    path = tmp_path / "resumed.bin"
    for carnet in offered:
        printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, f"file:{path}"))
    docs = parse(path.read_bytes())
    assert billet_numbers(docs) == [f"20191220-815-{k:03d}" for k in range(5, 16)] + [
        f"20191220-815A-{k:03d}" for k in range(1, 16)
    ]
    assert [d.duplicate for d in docs] == [True] + [False] * 25
    assert printing.unfinished_carnets() == []


async def test_start_up_offer_names_each_carnet_and_the_billets_left(ui_settings, tmp_path) -> None:
    from support.ui import make_app, open_sale, pay_cash, pick_manual_line, settle, wait_until

    from carnet_tui.ui.screens.dialogs import ConfirmDialog, PrintCarnetDialog
    from carnet_tui.ui.screens.home import HomeScreen
    from carnet_tui.ui.screens.sale import SaleScreen

    def text(app, selector: str) -> str:
        return str(app.screen.query_one(selector).render())

    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:  # the manual's sale: 2 carnets, closed, not printed
        await open_sale(pilot)
        await pick_manual_line(pilot, "2")
        await pay_cash(pilot, "12000")
        await pilot.press("f6")
        for number in ("20191220-815 ", "20191220-815A"):
            await wait_until(pilot, lambda n=number: isinstance(app.screen, PrintCarnetDialog)
                             and n in text(app, "#print-question"))
            await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, SaleScreen))
    carnets = [c.id for c in Carnet.select().order_by(Carnet.id)]
    kill_mid_first_carnet(ui_settings.db, carnets, tmp_path)  # the sale window's printing, killed

    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert text(app, "#question") == (
            "Ces 2 carnets n'ont pas tous leurs billets imprimés :\n"
            "Carnet N° 20191220-815 : 11 billets restants sur 15\n"
            "Carnet N° 20191220-815A : 15 billets restants sur 15\n"
            "Les reprendre maintenant ?"
        )
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog))
        assert text(app, "#print-question") == (
            "Imprimer les billets du carnet N° 20191220-815 (11 billets restants sur 15) ?"
        )
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, PrintCarnetDialog)
                         and "815A" in text(app, "#print-question"))
        assert text(app, "#print-question") == (
            "Imprimer les billets du carnet N° 20191220-815A (15 billets) ?"
        )
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await settle(pilot)
    assert {c.print_status for c in sales.sale_carnets(Carnet.get_by_id(carnets[0]).sale_id)} == {"printed"}
    assert printing.unfinished_carnets() == []


async def test_a_long_offer_names_seven_carnets_then_how_many_more(ui_settings, ctx) -> None:
    from support.ui import make_app, wait_until

    from carnet_tui.domain.payment import PaymentInput
    from carnet_tui.store.models import CarnetModel, Tariff
    from carnet_tui.ui.screens.dialogs import ConfirmDialog

    model = CarnetModel.get(CarnetModel.name == "Carnet 15 entrées")
    tariff = Tariff.select().where(Tariff.model == model).first()
    sale_id = sales.open_sale(ctx)
    sales.pay_line(ctx, sale_id, sales.LineRequest("V", model.id, tariff.id, 10, 60), PaymentInput("card"))
    sales.close_sale(ctx, sale_id)  # then the till died before printing anything

    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        lines = str(app.screen.query_one("#question").render()).split("\n")
        assert lines[0] == "Ces 10 carnets n'ont pas tous leurs billets imprimés :"
        assert len(lines) == 1 + 7 + 1 + 1 and lines[-2] == "et 3 autres carnets"
        assert all(line.endswith(": 15 billets restants sur 15") for line in lines[1:8])
        dialog = app.screen.query_one(".dialog")
        assert dialog.region.bottom <= SIZE[1] and app.screen.query_one("#yes").region.height == 1

"""The printing service with real devices (file, preview spool, TCP) and a real SQLite file."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
from datetime import date

import pytest
from support.day import approval, counter_context
from test_print_support import billet_numbers, manual_sale, parse, settings_for

from carnet_tui.domain.context import Role, self_approval
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.payment import PaymentInput
from carnet_tui.printing.devices import spool_path
from carnet_tui.services import journal, printing, sales
from carnet_tui.store.models import Billet, Counter, Invoice, JournalEntry, PrintJournal, ReprintLog, Sale

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)


def _file(tmp_path, name="out.bin"):
    path = tmp_path / name
    return path, settings_for(tmp_path, f"file:{path}")


def _refused_url() -> str:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nobody listens there now: the connection is refused
    return f"tcp:127.0.0.1:{port}"


def test_file_device_receives_billets(manual_catalog, tmp_path, ctx):
    sale_id = manual_sale(manual_catalog)
    path, settings = _file(tmp_path)
    for carnet in sales.sale_carnets(sale_id):
        printing.print_carnet(ctx, carnet.carnet_id, settings)
    numbers = billet_numbers(parse(path.read_bytes()))
    assert len(numbers) == 30 and numbers[0] == "20191220-815-001" and numbers[-1] == "20191220-815A-015"


def test_preview_spools_bytes_and_shows_billets(manual_catalog, tmp_path, ctx):
    sale_id = manual_sale(manual_catalog)
    settings = settings_for(tmp_path, "preview")
    first, second = sales.sale_carnets(sale_id)
    printing.print_carnet(ctx, first.carnet_id, settings)
    printing.print_carnet(ctx, second.carnet_id, settings)
    spooled = spool_path(settings.data_dir)
    assert spooled == tmp_path / "data" / "spool" / "preview.bin"
    assert len(billet_numbers(parse(spooled.read_bytes()))) == 30  # appended, not overwritten
    shown = printing.preview_billets(second.carnet_id, settings)
    assert len(shown) == 15
    assert "20191220-815A-007  7/15" in shown[6] and "Valable jusqu'au 17/02/2020 inclus" in shown[6]
    assert "[QR 20191220-815A-007." in shown[6]  # the number, then its door signature


def test_tcp_printer(manual_catalog, tmp_path, ctx):
    server = socket.create_server(("127.0.0.1", 0))
    received = bytearray()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(4096):
                received.extend(chunk)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    sale_id = manual_sale(manual_catalog)
    carnet = sales.sale_carnets(sale_id)[0]
    url = f"tcp:127.0.0.1:{server.getsockname()[1]}"
    printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, url))
    thread.join(10)
    server.close()
    assert billet_numbers(parse(bytes(received))) == [f"20191220-815-{n:03d}" for n in range(1, 16)]


def test_tcp_refused_is_a_clear_error_and_nothing_goes_pending(manual_catalog, tmp_path, ctx):
    sale_id = manual_sale(manual_catalog)
    carnet = sales.sale_carnets(sale_id)[0]
    with pytest.raises(printing.PrinterError) as caught:
        printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, _refused_url()))
    assert caught.value.kind == "refused"
    assert "refuse la connexion" in caught.value.message
    assert {b.print_state for b in Billet.select()} == {"unprinted"}
    assert PrintJournal.select().count() == 0


@pytest.mark.parametrize("url", ["lpt1", "tcp:", "usb:zz:12", "tcp:host:port"])
def test_bad_printer_url(manual_catalog, tmp_path, url, ctx):
    carnet = sales.sale_carnets(manual_sale(manual_catalog))[0]
    with pytest.raises(printing.PrinterError) as caught:
        printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, url))
    assert caught.value.kind == "url" and "non reconnue" in caught.value.message


def test_missing_serial_port(manual_catalog, tmp_path, ctx):
    carnet = sales.sale_carnets(manual_sale(manual_catalog))[0]
    with pytest.raises(printing.PrinterError) as caught:
        printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, "serial:/dev/does-not-exist"))
    assert caught.value.kind == "not_found" and "introuvable" in caught.value.message


def test_nothing_prints_before_the_sale_is_closed_nor_for_a_voided_line(manual_catalog, tmp_path, ctx):
    path, settings = _file(tmp_path)
    sale_id = sales.open_sale(ctx)
    request = sales.LineRequest("V", manual_catalog.model_id, manual_catalog.visitor_tariff_id, 1, 60)
    kept = sales.pay_line(ctx, sale_id, request, PaymentInput("card"))
    voided = sales.pay_line(ctx, sale_id, request, PaymentInput("card"))
    carnets = {c.number: c.carnet_id for c in sales.sale_carnets(sale_id)}
    with pytest.raises(DomainError) as caught:
        printing.print_carnet(ctx, carnets[kept.carnet_numbers[0]], settings)
    assert caught.value.message == "La vente n'est pas clôturée : rien ne peut encore être imprimé."
    with pytest.raises(DomainError):
        printing.print_receipt(ctx, sale_id, settings)
    with pytest.raises(DomainError):
        printing.print_invoice(ctx, sale_id, settings)
    sales.void_line(ctx, voided.line_id, "erreur de saisie", approval(ctx, "void"))
    sales.close_sale(ctx, sale_id)
    with pytest.raises(DomainError) as caught:
        printing.print_carnet(ctx, carnets[voided.carnet_numbers[0]], settings)
    assert "ligne annulée" in caught.value.message
    assert not path.exists() and PrintJournal.select().count() == 0 and Invoice.select().count() == 0
    printing.print_carnet(ctx, carnets[kept.carnet_numbers[0]], settings)
    assert len(billet_numbers(parse(path.read_bytes()))) == 15


def test_receipt_original_then_duplicates_logged(manual_catalog, tmp_path, ctx):
    sale_id = manual_sale(manual_catalog)
    path, settings = _file(tmp_path)
    assert printing.print_receipt(ctx, sale_id, settings) is False
    with pytest.raises(DomainError) as caught:
        printing.print_receipt(ctx, sale_id, settings)  # a second print is a duplicate: it needs a reason
    assert caught.value.message == "Le motif de la réimpression est obligatoire."
    with pytest.raises(DomainError) as caught:  # a reason, but no responsable's approval
        printing.print_receipt(ctx, sale_id, settings, "client a perdu son ticket")
    assert caught.value.key == "err.approval.required"
    yes = approval(ctx, "reprint")
    assert printing.print_receipt(ctx, sale_id, settings, "client a perdu son ticket", yes) is True
    boss = counter_context(role=Role.RESPONSABLE)  # a responsable alone approves their own
    printing.reprint_receipt(boss, sale_id, settings, "  pour la comptabilité  ",
                             self_approval(boss, "reprint"))
    docs = parse(path.read_bytes())
    assert [d.duplicate for d in docs] == [False, True, True]
    assert "Vente N° 815" in docs[0].text and "11 000,00 DH" in docs[0].text and "Rendu" in docs[0].text
    history = [(h.what, h.duplicate, h.reason, h.by, h.approved_by) for h in printing.sale_history(sale_id)]
    assert history == [
        ("receipt", False, "", "amina", ""),
        ("receipt", True, "client a perdu son ticket", "amina", "karim"),
        ("receipt", True, "pour la comptabilité", "karim", "karim"),
    ]
    rows = [(r.kind, r.actor, r.approved_by) for r in JournalEntry.select().where(
        JournalEntry.kind.in_(["receipt_printed", "reprint"])).order_by(JournalEntry.seq)]
    assert rows == [("receipt_printed", "amina", ""), ("reprint", "amina", "karim"),
                    ("reprint", "karim", "karim")]
    assert journal.verify().ok


def test_invoice_numbers_are_gap_free_per_year_and_later_prints_are_duplicates(manual_catalog, tmp_path, ctx):
    first = manual_sale(manual_catalog)
    second = manual_sale(manual_catalog, client_name="Salma Idrissi", quantity=1)
    path, settings = _file(tmp_path)
    assert printing.print_invoice(ctx, first, settings) == "F2019-00001"
    with pytest.raises(DomainError):
        printing.print_invoice(ctx, first, settings)  # duplicate without a reason: refused
    with pytest.raises(DomainError):  # a reason, no approval
        printing.print_invoice(ctx, first, settings, "copie client")
    again = approval(ctx, "reprint")
    assert printing.print_invoice(ctx, first, settings, "copie client", again) == "F2019-00001"
    # a failed first print still owns its number (no gap); the next attempt is the original
    with pytest.raises(printing.PrinterError):
        printing.print_invoice(ctx, second, settings_for(tmp_path, _refused_url()))
    assert printing.print_invoice(ctx, second, settings) == "F2019-00002"
    third = manual_sale(manual_catalog, quantity=1)
    new_year = dataclasses.replace(ctx, today=date(2020, 1, 2))  # the invoice's year: the context's day
    assert printing.print_invoice(new_year, third, settings) == "F2020-00001"
    assert Counter.get_by_id("invoice:2019").value == 2 and Counter.get_by_id("invoice:2020").value == 1
    numbers = [i.number for i in Invoice.select().order_by(Invoice.id)]
    assert numbers == ["F2019-00001", "F2019-00002", "F2020-00001"]
    docs = parse(path.read_bytes())
    assert [d.duplicate for d in docs] == [False, True, False, False]
    assert "FACTURE N° F2019-00001" in docs[1].text and "Onze mille dirhams." in docs[0].text
    assert "Client : Salma Idrissi" in docs[2].text and "Cinq mille cinq cents dirhams." in docs[2].text
    dup = ReprintLog.get(ReprintLog.detail == "F2019-00001 duplicata")
    assert (dup.reason, dup.done_by, dup.approved_by, dup.what) == (
        "copie client", "amina", "karim", "invoice")


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (0, 3, "Plage de billets invalide : de 0 à 3, pour des billets numérotés de 1 à 15."),
        (5, 3, "Plage de billets invalide : de 5 à 3, pour des billets numérotés de 1 à 15."),
        (1, 16, "Plage de billets invalide : de 1 à 16, pour des billets numérotés de 1 à 15."),
        ("a", 3, "Les numéros de billet « de » et « à » doivent être des nombres entiers."),
        ("-2", None, "Les numéros de billet « de » et « à » doivent être des nombres entiers."),
    ],
)
def test_reprint_range_is_validated(manual_catalog, tmp_path, first, last, message, ctx):
    carnet = sales.sale_carnets(manual_sale(manual_catalog))[0]
    path, settings = _file(tmp_path)
    printing.print_carnet(ctx, carnet.carnet_id, settings)
    size = path.stat().st_size
    with pytest.raises(DomainError) as caught:
        printing.reprint_billets(ctx, carnet.carnet_id, settings, "papier froissé", approval(ctx, "reprint"),
                                 first, last)
    assert caught.value.message == message
    assert path.stat().st_size == size and ReprintLog.select().count() == 0


def test_reprint_billets_are_duplicates_logged_and_never_an_original(manual_catalog, tmp_path, ctx):
    sale_id = manual_sale(manual_catalog)
    first, second = sales.sale_carnets(sale_id)
    path, settings = _file(tmp_path)
    yes = approval(ctx, "reprint")
    with pytest.raises(DomainError) as caught:
        printing.reprint_billets(ctx, first.carnet_id, settings, "essai", yes)  # never printed: no duplicate
    assert "n'a jamais été imprimé" in caught.value.message
    with pytest.raises(DomainError):
        printing.reprint_billets(ctx, first.carnet_id, settings, "   ", yes, 1, 2)  # no reason
    printing.print_carnet(ctx, first.carnet_id, settings)
    for refused in (None, approval(ctx, "void")):  # no approval, or one for something else
        with pytest.raises(DomainError) as caught:
            printing.reprint_billets(ctx, first.carnet_id, settings, "billets mouillés", refused, "3", "5")
        assert caught.value.key == "err.approval.required"
    printing.reprint_billets(ctx, first.carnet_id, settings, "billets mouillés", yes, "3", "5")
    printing.reprint_billets(ctx, first.carnet_id, settings, "tout le carnet", yes)
    docs = parse(path.read_bytes())
    assert [d.billet[1] for d in docs[15:18]] == [3, 4, 5] and all(d.duplicate for d in docs[15:])
    assert len(docs) == 15 + 3 + 15 and not any(d.duplicate for d in docs[:15])
    assert {b.print_state for b in Billet.select().where(Billet.carnet == first.carnet_id)} == {"sent"}
    assert PrintJournal.select().where(PrintJournal.duplicate == True).count() == 18  # noqa: E712
    logs = [(r.detail, r.reason, r.done_by, r.approved_by)
            for r in ReprintLog.select().order_by(ReprintLog.id)]
    assert logs == [
        ("20191220-815 3-5 duplicata", "billets mouillés", "amina", "karim"),
        ("20191220-815 1-15 duplicata", "tout le carnet", "amina", "karim"),
    ]
    # one journal row a print run (not a billet), and one a reprint, with both names
    runs = [json.loads(r.data) for r in JournalEntry.select().where(JournalEntry.kind == "billets_printed")
            .order_by(JournalEntry.seq)]
    assert [(r["carnet"], r["first"], r["last"], r["duplicate"]) for r in runs] == [
        ("20191220-815", 1, 15, False), ("20191220-815", 3, 5, True), ("20191220-815", 1, 15, True)]
    reprints = JournalEntry.select().where(JournalEntry.kind == "reprint").order_by(JournalEntry.seq)
    assert [(r.actor, r.approved_by, json.loads(r.data)["reason"]) for r in reprints] == [
        ("amina", "karim", "billets mouillés"), ("amina", "karim", "tout le carnet")]
    assert journal.verify().ok
    history = printing.sale_history(sale_id)
    assert [(h.what, h.duplicate) for h in history] == [
        ("billets", False), ("billets", True), ("billets", True)
    ]
    assert history[0].detail == "20191220-815 original 15/15" and history[0].label == "Billets"
    assert sales.carnet_status(second.carnet_id).print_status == "unprinted"
    assert Sale.get_by_id(sale_id).status == "closed"
    # the sale is closed, not finalized: its second carnet, never started, is still owed
    assert [c.number for c in printing.unfinished_carnets()] == ["20191220-815A"]
    # answered "Non" and finalized anyway (a responsable approved): no longer asked for
    sales.finalize_sale(ctx, sale_id, approval(ctx, "finalize_unprinted"))
    assert printing.unfinished_carnets() == []


def test_python_escpos_never_writes_to_the_terminal(manual_catalog, tmp_path, capfd, ctx):
    carnet = sales.sale_carnets(manual_sale(manual_catalog))[0]
    capfd.readouterr()
    with pytest.raises(printing.PrinterError) as caught:  # no libusb here: a clear message, no noise
        printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, "usb:04b8:0e15"))
    assert caught.value.kind in ("driver", "not_found")
    path, settings = _file(tmp_path)
    printing.print_carnet(ctx, carnet.carnet_id, settings)
    printing.print_receipt(ctx, Sale.get().id, settings)
    import gc

    gc.collect()  # python-escpos closes devices in __del__: that must stay silent too
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_history_lines_read_as_french(manual_catalog, tmp_path, ctx):
    sale_id = manual_sale(manual_catalog)
    _, settings = _file(tmp_path)
    printing.print_receipt(ctx, sale_id, settings)
    printing.reprint_receipt(ctx, sale_id, settings, "ticket déchiré", approval(ctx, "reprint"))
    lines = [h.summary for h in printing.sale_history(sale_id)]
    assert lines[0].endswith("Ticket original (amina)")
    assert lines[1].endswith("Ticket duplicata (amina, accord karim) : ticket déchiré")


@pytest.mark.parametrize(
    ("printer", "message"),
    [
        ({"codepage": "CP999"}, "La page de codes CP999 n'est pas connue du profil d'imprimante TM-T88III."),
        ({"profile": "NOPE"}, "Profil d'imprimante inconnu : « NOPE » (voir python-escpos, profils)."),
    ],
)
def test_printer_settings_python_escpos_cannot_do_are_refused_before_anything(
    manual_catalog, tmp_path, printer, message, ctx
):
    carnet = sales.sale_carnets(manual_sale(manual_catalog))[0]
    path = tmp_path / "out.bin"
    with pytest.raises(printing.PrinterError) as caught:
        printing.print_carnet(ctx, carnet.carnet_id, settings_for(tmp_path, f"file:{path}", **printer))
    assert caught.value.kind == "settings" and caught.value.message == message
    assert not path.exists() and {b.print_state for b in Billet.select()} == {"unprinted"}

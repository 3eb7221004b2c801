"""What may be printed to: ``file:`` never damages a file carnet-tui did not create; an invoice needs
the venue's legal IDs. Real files, FIFOs and a pty (a character device), real SQLite."""

from __future__ import annotations

import dataclasses
import os
import threading

import pytest
from support.venue import LEGAL_VENUE
from test_print_support import PtyPrinter, billet_numbers, manual_sale, parse, settings_for

from carnet_tui.domain.errors import DomainError
from carnet_tui.services import printing, sales
from carnet_tui.settings import VenueSettings
from carnet_tui.store.models import Billet, Counter, Invoice, ReprintLog

NOT_OURS = "existe déjà et n'a pas été créé par carnet-tui : il n'est pas touché."


def _carnet(catalog) -> int:
    return sales.sale_carnets(manual_sale(catalog))[0].carnet_id


def _states() -> set[str]:
    return {b.print_state for b in Billet.select()}


# --- file: ------------------------------------------------------------------------------------------


def test_an_existing_file_elsewhere_is_refused_untouched(manual_catalog, tmp_path, ctx):
    other = tmp_path / "passwd"
    other.write_text("root:x:0:0:root:/root:/bin/bash\n")
    os.utime(other, (1_000_000_000, 1_000_000_000))
    before = (other.read_bytes(), other.stat().st_mtime, other.stat().st_size)
    carnet = _carnet(manual_catalog)
    with pytest.raises(printing.PrinterError) as caught:
        printing.print_carnet(ctx, carnet, settings_for(tmp_path, f"file:{other}"))
    assert caught.value.message == f"Le fichier {other} {NOT_OURS} " + (
        "Choisissez un nouveau fichier, un périphérique (/dev/…) ou un tube nommé (FIFO)."
    )
    assert (other.read_bytes(), other.stat().st_mtime, other.stat().st_size) == before
    assert _states() == {"unprinted"}  # nothing went pending: the next try starts clean
    with pytest.raises(printing.PrinterError):  # the receipt alike
        printing.print_receipt(ctx, sales.sale_carnets(manual_sale(manual_catalog))[0].sale_id,
                               settings_for(tmp_path, f"file:{other}"))
    assert other.read_bytes() == before[0]


def test_a_symlink_to_a_strangers_file_or_nowhere_is_refused(manual_catalog, tmp_path, ctx):
    target = tmp_path / "victim.txt"
    target.write_text("précieux\n")
    link = tmp_path / "link.bin"
    link.symlink_to(target)
    dangling = tmp_path / "dangling.bin"
    dangling.symlink_to(tmp_path / "would-be-created.txt")
    carnet = _carnet(manual_catalog)
    for path in (link, dangling):
        with pytest.raises(printing.PrinterError) as caught:
            printing.print_carnet(ctx, carnet, settings_for(tmp_path, f"file:{path}"))
        assert NOT_OURS in caught.value.message
    assert target.read_text() == "précieux\n" and not (tmp_path / "would-be-created.txt").exists()


def test_a_new_file_is_created_then_appended_to_but_not_once_replaced(manual_catalog, tmp_path, ctx):
    out = tmp_path / "out.bin"
    settings = settings_for(tmp_path, f"file:{out}")
    first, second = sales.sale_carnets(manual_sale(manual_catalog))
    printing.print_carnet(ctx, first.carnet_id, settings)
    assert out.exists() and (out.stat().st_mode & 0o777) == 0o644
    printing.print_carnet(ctx, second.carnet_id, settings)  # it made the file: it may append to it
    assert len(billet_numbers(parse(out.read_bytes()))) == 30
    other = tmp_path / "other.bin"
    other.write_bytes(b"someone else's\n")
    os.replace(other, out)  # same name, another file (made while ours existed: another inode)
    third = sales.sale_carnets(manual_sale(manual_catalog))[0]
    with pytest.raises(printing.PrinterError) as caught:
        printing.print_carnet(ctx, third.carnet_id, settings)
    assert NOT_OURS in caught.value.message and out.read_bytes() == b"someone else's\n"


def test_a_file_in_the_spool_folder_may_be_appended_to(manual_catalog, tmp_path, ctx):
    spool = tmp_path / "data" / "spool"
    spool.mkdir(parents=True)
    out = spool / "caisse-2.bin"
    out.write_bytes(b"")
    printing.print_carnet(ctx, _carnet(manual_catalog), settings_for(tmp_path, f"file:{out}"))
    assert len(billet_numbers(parse(out.read_bytes()))) == 15


def test_a_character_device_receives_the_billets(manual_catalog, tmp_path, ctx):
    device = PtyPrinter()  # its slave end is /dev/pts/N: a character device, as /dev/usb/lp0 is
    try:
        printing.print_carnet(ctx, _carnet(manual_catalog), settings_for(tmp_path, f"file:{device.path}"))
        device.wait_for_cuts(15)
        numbers = billet_numbers(parse(device.received()))
    finally:
        device.close()
    assert len(numbers) == 15
    assert not (tmp_path / "data" / "spool").exists()  # a port needs no list of files made


def test_a_fifo_with_a_reader_receives_and_one_without_is_a_quick_refusal(manual_catalog, tmp_path, ctx):
    fifo = tmp_path / "printer.fifo"
    os.mkfifo(fifo)
    carnet = _carnet(manual_catalog)
    with pytest.raises(printing.PrinterError) as caught:  # nobody reads: no hang, a printer error
        printing.print_carnet(ctx, carnet, settings_for(tmp_path, f"file:{fifo}"))
    assert caught.value.kind == "unplugged"
    received = bytearray()

    def read() -> None:
        with open(fifo, "rb") as pipe:
            while chunk := pipe.read(4096):
                received.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(100):  # the reader's open() must be there before the writer's
            try:
                printing.print_carnet(ctx, carnet, settings_for(tmp_path, f"file:{fifo}"))
                break
            except printing.PrinterError:
                threading.Event().wait(0.02)
    finally:
        reader.join(30)
    assert len(set(billet_numbers(parse(bytes(received))))) == 15


# --- the invoice and the venue's legal IDs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("venue", "named"),
    [
        (VenueSettings(), "ICE, IF, RC, patente"),
        (dataclasses.replace(LEGAL_VENUE, ice="0" * 15, patente="0"), "ICE, patente"),
        (dataclasses.replace(LEGAL_VENUE, name="", address=" "), "nom, adresse"),
    ],
)
def test_an_invoice_is_refused_without_legal_ids_and_takes_no_number(
    manual_catalog, tmp_path, venue, named, ctx
):
    sale_id = manual_sale(manual_catalog)
    out = tmp_path / "out.bin"
    settings = dataclasses.replace(settings_for(tmp_path, f"file:{out}"), venue=venue)
    with pytest.raises(DomainError) as caught:
        printing.print_invoice(ctx, sale_id, settings)
    assert caught.value.key == "err.print.legal_ids"
    assert caught.value.message == f"Facture refusée, réglages venue à remplir : {named}."
    assert not Invoice.select().exists() and Counter.get_or_none(Counter.name.startswith("invoice")) is None
    assert not out.exists() and not ReprintLog.select().where(ReprintLog.what == "invoice").exists()
    # filled in: the first invoice gets the first number, nothing was taken meanwhile
    number = printing.print_invoice(ctx, sale_id, settings_for(tmp_path, f"file:{out}"))
    assert number.endswith("-00001")
    text = parse(out.read_bytes())[0].text
    assert "ICE 001525836000081" in text and "000000" not in text

"""The X and Z on paper: 32, 42 and 48 columns, DUPLICATA, the journal's head, hostile texts; the
bytes read back by the independent ESC/POS readers (tests/test_print_support.py, support/text.py)."""

from __future__ import annotations

from datetime import datetime

import pytest
from escpos.printer import File
from support.text import commands
from test_print_support import parse, settings_for

from carnet_tui.domain.till import DENOMINATIONS, CashFigures
from carnet_tui.printing import report_layout
from carnet_tui.printing.layouts import Page
from carnet_tui.printing.report_layout import Figure, MovementFigure, Report, ReportKind, VoidFigure
from carnet_tui.services import report_printing

HEAD = "0123456789abcdef" * 4
HOSTILE = "\x1bp\x00\x19\x19 tiroir \x1dVA coupe \x1b@ reset \u202e [b]x[/b]"
LONG_MODEL = "Carnet famille piscine couverte et bassin olympique 20 entrées"


def report(kind: ReportKind = ReportKind.Z, duplicate: bool = False, reason: str = "Erreur de tarif",
           model: str = "Carnet 15 entrées") -> Report:
    when, end = datetime(2019, 12, 20, 8, 0), datetime(2019, 12, 20, 18, 30)
    z = kind == ReportKind.Z
    counted = tuple((v, {20000: 3, 1000: 7, 50: 2}.get(v, 0)) for v in DENOMINATIONS) if z else None
    return Report(
        kind=kind, desk="Caisse 1", session_id=7, z_number=12 if z else None,
        opened_by="amina", opened_at=when,
        closed_by="amina" if z else None, closed_at=end if z else None, made_by="amina", made_at=end,
        sales_count=4,
        by_method=(Figure("cash", 2, 3, 1650000), Figure("card", 1, 1, 550000),
                   Figure("cheque", 1, 1, 450000)),
        by_model=(Figure(model, 4, 5, 2650000),),
        by_tariff=(Figure("Plein tarif", 3, 4, 2200000, model), Figure("Tarif abonné", 1, 1, 450000, model)),
        by_beneficiary=(Figure("A", 1, 1, 450000), Figure("V", 3, 4, 2200000)),
        carnets=5, billets=75,
        voids=(VoidFigure(816, 2, model, "cash", 550000, reason, "amina", "chef", "2019-12-20 10:00:00"),),
        reprints=(("billets", 2), ("receipt", 1)),
        movements=(MovementFigure("withdrawal", 1000000, "Dépôt en banque", "amina", "chef",
                                  "2019-12-20 12:00:00"),),
        cash=CashFigures(50000, 1700000, 50000, 0, 1000000),
        counted=counted, journal_head=HEAD, duplicate=duplicate,
    )


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_z_fits_the_paper_and_says_everything(columns):
    z = report()
    text = report_layout.report_text(z, Page(columns), "Complexe Sportif Al Amal")
    lines = text.splitlines()
    assert all(len(line) <= columns for line in lines), [line for line in lines if len(line) > columns]
    assert "RAPPORT Z N° 12" in text and "DUPLICATA" not in text
    for amount in ("16 500,00 DH", "5 500,00 DH", "4 500,00 DH", "26 500,00 DH", "500,00 DH",
                   "17 000,00 DH", "-500,00 DH", "-10 000,00 DH", "7 000,00 DH", "600,00 DH",
                   "671,00 DH", "-6 329,00 DH"):
        assert amount in text, amount
    assert z.cash.expected_cents == 700000 and z.counted_cents == 67100 and z.difference_cents == -632900
    stripped = [line.strip() for line in lines]
    assert HEAD[:32] in stripped and HEAD[32:] in stripped  # 64 hex digits: two lines on any roll
    assert any(line.startswith("Carnets vendus") and line.endswith(" 5") for line in stripped)
    assert any(line.startswith("Billets vendus") and line.endswith(" 75") for line in stripped)
    assert "Motif : Erreur de tarif" in text and "Par amina, accord chef" in text


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_a_long_model_name_is_never_cut_short(columns):
    text = report_layout.report_text(report(model=LONG_MODEL), Page(columns))
    assert all(len(line) <= columns for line in text.splitlines())
    joined = " ".join(line.strip() for line in text.splitlines())
    assert f"{LONG_MODEL} (4)" in joined  # wrapped on words, whole


def test_x_and_duplicata():
    x = report_layout.report_text(report(ReportKind.X), Page(42))
    assert "RAPPORT X" in x and "Session toujours ouverte" in x and "COMPTÉ" not in x and "Écart" not in x
    copy = report_layout.report_text(report(duplicate=True), Page(32))
    assert copy.splitlines()[0].strip() == "*** DUPLICATA ***"


def test_the_bytes_through_a_python_escpos_file_printer(tmp_path):
    """Written by python-escpos' own File printer, read back by the reader written from the spec."""
    path = tmp_path / "z.bin"
    printer = File(str(path))
    printer._raw(report_layout.report_bytes(report(duplicate=True), Page(42)))
    printer.close()
    docs = parse(path.read_bytes())
    assert len(docs) == 1 and docs[0].duplicate and docs[0].resets == 1
    assert "RAPPORT Z N° 12" in docs[0].text and "-6 329,00 DH" in docs[0].text
    assert HEAD[:32] in docs[0].lines and HEAD[32:] in docs[0].lines


def test_hostile_texts_command_nothing(tmp_path):
    """A reason holding ESC p (the drawer), GS V (a cut), ESC @ (a reset): the printer is told the
    same commands as for a plain reason."""
    plain = commands(report_layout.report_bytes(report(reason="Erreur de tarif"), Page(32)))
    hostile = commands(report_layout.report_bytes(report(reason=HOSTILE * 20), Page(32)))
    assert [c for c in hostile if c != ("text",)] == [c for c in plain if c != ("text",)]
    assert not any(c[0] in ("ESC p", "control") for c in hostile)


def test_report_printing_sends_to_the_configured_printer(tmp_path):
    path = tmp_path / "printer.bin"
    settings = settings_for(tmp_path, f"file:{path}", columns=48)
    report_printing.print_report(report(), settings)
    report_printing.print_report(report(ReportKind.X), settings)
    docs = parse(path.read_bytes())
    assert [("RAPPORT Z N° 12" in d.text, "RAPPORT X" in d.text) for d in docs] == [
        (True, False), (False, True)]
    assert all(len(line) <= 48 for d in docs for line in d.text.splitlines())
    assert docs[0].lines[0] == settings.venue.name
    preview = report_printing.report_preview(report(), settings)
    assert preview.splitlines()[0].strip() == settings.venue.name and "Écart" in preview

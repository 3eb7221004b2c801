"""The helper's thread side (ui/offthread.call): refusals kept, anything else logged to carnet.log
with its traceback, never raised; the log itself failing never hides the error."""

from __future__ import annotations

import threading
from pathlib import Path

from carnet_tui.domain.errors import DomainError
from carnet_tui.logs import MAX_BYTES, log_unexpected
from carnet_tui.services import clients
from carnet_tui.store.models import database
from carnet_tui.ui import offthread


def in_thread(fn):
    """Run ``fn`` in a fresh thread, as the UI's workers do; returns what it returned."""
    box = []
    worker = threading.Thread(target=lambda: box.append(fn()))
    worker.start()
    worker.join(30)
    return box[0]


def test_a_refusal_of_ours_comes_back_with_its_key_and_field(connected, tmp_path: Path) -> None:
    def bad() -> None:
        raise DomainError("err.quantity.range", field="quantity", min=1, max=99)

    outcome = in_thread(lambda: offthread.call(bad, data_dir=tmp_path))
    assert outcome.refusal.key == "err.quantity.range" and outcome.refusal.field == "quantity"
    assert outcome.refusal.message == DomainError("err.quantity.range", min=1, max=99).message
    assert not (tmp_path / "carnet.log").exists()  # a refusal is not an error


def test_anything_else_is_logged_with_its_traceback_and_said_in_french(connected, tmp_path: Path) -> None:
    def broken() -> None:
        database.obj.execute_sql("SELECT * FROM client")  # the thread opens its own connection
        {}["missing"]

    outcome = in_thread(lambda: offthread.call(broken, data_dir=tmp_path / "data", doing="essai"))
    log = tmp_path / "data" / "carnet.log"
    assert outcome.refusal.key == "err.unexpected"
    assert outcome.refusal.message == f"Erreur inattendue : détails dans {log}"
    text = log.read_text(encoding="utf-8")
    assert "erreur inattendue : essai" in text
    assert "Traceback (most recent call last)" in text and "KeyError: 'missing'" in text
    assert "in broken" in text


def test_the_thread_connection_is_closed_after(connected, tmp_path: Path) -> None:
    def check() -> bool:
        offthread.call(lambda: clients.count(), data_dir=tmp_path)
        return database.obj.is_closed()  # this thread's connection, after the call

    assert in_thread(check)


def test_an_expected_printer_fault_keeps_its_own_words(tmp_path: Path) -> None:
    class Fault(Exception):
        message = "Imprimante hors ligne."

    def fail() -> None:
        raise Fault("offline")

    outcome = offthread.call(fail, data_dir=tmp_path, expected=(Fault,))
    assert outcome.refusal.message == "Imprimante hors ligne."
    assert not (tmp_path / "carnet.log").exists()


def test_a_log_that_cannot_be_written_does_not_hide_the_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    outcome = offthread.call(lambda: 1 / 0, data_dir=blocker)
    assert outcome.refusal.key == "err.unexpected.nolog"
    assert "ZeroDivisionError" in outcome.refusal.message


def test_the_log_starts_again_past_its_size(tmp_path: Path) -> None:
    log = tmp_path / "carnet.log"
    log.write_text("x" * (MAX_BYTES + 1))
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        assert log_unexpected(exc, tmp_path) == log
    assert (tmp_path / "carnet.log.1").stat().st_size == MAX_BYTES + 1
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")

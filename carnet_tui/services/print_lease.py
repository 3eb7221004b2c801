"""Two desks, one carnet: the desk printing a carnet holds a lease on it.

The lease is a ``PrintLease`` row: who holds it (``host:pid:random``, one per print run) and until
when (``LEASE_S`` ahead, renewed every ``LEASE_S / 3`` by a small thread and at each billet's
claim). Another desk is not offered a carnet under a live lease and is refused if it tries to
print it. A lease binds nobody once expired, or at once when its holder's process is gone on this
same host (a crash or a kill -9 here frees the carnet for the next start without waiting).

A desk whose lease lapsed (stalled longer than ``LEASE_S``) and was taken over finds out at its
next billet's claim and stops: the two never both print originals of one carnet. Even then the
journal's rule holds: a billet caught ``pending`` by the desk taking over comes out as DUPLICATA.

Clocks: ``expires_at`` is the holder's clock. Desks sharing one SQLite file share one machine (or
should: SQLite over a network file system is not safe), so they share one clock.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterable

from carnet_tui.domain.errors import DomainError
from carnet_tui.store import db as store
from carnet_tui.store.models import Billet, Carnet, PrintJournal, PrintLease

LEASE_S = 30.0  # tests shorten it; long enough for a serial write timeout and a busy lock
log = logging.getLogger(__name__)
_HOST = socket.gethostname()[:60]


def new_holder() -> str:
    return f"{_HOST}:{os.getpid()}:{secrets.token_hex(4)}"


def _process_gone(pid: int) -> bool:
    """True only when this host surely has no such running process (a zombie counts as gone)."""
    if pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError):
        return False  # someone else's process: alive
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def binds(holder: str, expires_at: float, at: float | None = None) -> bool:
    """Does this lease still bind the other desks?"""
    if expires_at <= (time.time() if at is None else at):
        return False
    parts = holder.rsplit(":", 2)
    try:
        host, pid = parts[0], int(parts[1])
    except (IndexError, ValueError):
        return True
    return not (host == _HOST and _process_gone(pid))


def busy_carnets(carnet_ids: Iterable[int] | None = None) -> set[int]:
    """Carnets under a live lease (held by any print run, this process's included)."""
    query = PrintLease.select(PrintLease.carnet, PrintLease.holder, PrintLease.expires_at)
    if carnet_ids is not None:
        query = query.where(PrintLease.carnet.in_(list(carnet_ids)))
    at = time.time()
    return {row.carnet_id for row in query if binds(row.holder, row.expires_at, at)}


def busy_sales() -> set[int]:
    """Sales with a carnet being printed somewhere now (its next carnets will follow there)."""
    busy = busy_carnets()
    if not busy:
        return set()
    return {c.sale_id for c in Carnet.select(Carnet.sale).where(Carnet.id.in_(list(busy)))}


class CarnetLease:
    """``with CarnetLease(carnet_id, number):`` holds the carnet for this print run.

    Entering refuses (``DomainError err.print.elsewhere``) a carnet another desk holds; inside,
    ``hold()`` must run in each billet's claim transaction: it renews, or refuses if lost.
    """

    def __init__(self, carnet_id: int, number: str) -> None:
        self.carnet_id = carnet_id
        self.number = number
        self.holder = new_holder()
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def refusal(self) -> DomainError:
        return DomainError("err.print.elsewhere", number=self.number)

    def _take(self) -> None:
        """In a write transaction: take the lease unless another live run holds it."""
        row = PrintLease.get_or_none(PrintLease.carnet == self.carnet_id)
        expires = time.time() + LEASE_S
        if row is None:
            PrintLease.create(carnet=self.carnet_id, holder=self.holder, expires_at=expires)
        else:
            if row.holder != self.holder and binds(row.holder, row.expires_at):
                raise self.refusal()
            PrintLease.update(holder=self.holder, expires_at=expires).where(
                PrintLease.carnet == self.carnet_id
            ).execute()
        # nobody else prints this carnet now: journal rows still pending belong to a run that
        # crashed or lost its lease, and will never get an answer
        ids = Billet.select(Billet.id).where(Billet.carnet == self.carnet_id)
        PrintJournal.update(status="failed", error="interrupted: no answer recorded").where(
            (PrintJournal.billet.in_(ids)) & (PrintJournal.status == "pending")
        ).execute()

    def hold(self) -> None:
        """In a write transaction: renew; refuse if another desk took the carnet over."""
        renewed = (
            PrintLease.update(expires_at=time.time() + LEASE_S)
            .where((PrintLease.carnet == self.carnet_id) & (PrintLease.holder == self.holder))
            .execute()
        )
        if not renewed:
            raise self.refusal()

    def _renew_loop(self) -> None:
        try:
            while not self._stop.wait(LEASE_S / 3):
                try:
                    store.write(self.hold)
                except Exception as exc:  # noqa: BLE001 - the next claim says it to the cashier
                    log.warning("print lease on carnet %s not renewed: %s", self.number, exc)
                    return
        finally:
            store.close()  # this thread's own SQLite connection

    def __enter__(self) -> CarnetLease:
        store.write(self._take)
        self._renewer = threading.Thread(
            target=self._renew_loop, name=f"lease-{self.number}", daemon=True
        )
        self._renewer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(5)
        try:
            store.write(
                lambda: PrintLease.delete()
                .where((PrintLease.carnet == self.carnet_id) & (PrintLease.holder == self.holder))
                .execute()
            )
        except Exception as exc:  # noqa: BLE001 - it expires by itself; the print's own outcome matters
            log.warning("print lease on carnet %s not released: %s", self.number, exc)

"""The one helper that runs store and printer work off the UI thread (DESIGN.md, "How the code grows").

A write waits on the disk (``synchronous=FULL``) and, when another desk holds the lock, on that
desk: the screen must answer keys meanwhile. The work runs in a thread; our errors come back as
French refusals; anything unexpected is logged with its traceback to ``carnet.log`` in the data
folder and said in French. Its thread's SQLite connection is closed after.

``run`` is for writes the cashier asked for (Enter in a dialog, F6, F8): a short grace keeps the
usual case in step with the keys typed after it (they are applied after the result, in order);
past the grace the screen shows "in progress", answers keys, and a second submit is not started.
``query`` is for reads whose latest request wins (a filter, as typed).
"""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from textual.dom import DOMNode
from textual.worker import get_current_worker

from carnet_tui.domain.errors import DomainError
from carnet_tui.logs import log_unexpected
from carnet_tui.store import db as store
from carnet_tui.store import faults
from carnet_tui.texts import t
from carnet_tui.ui.threads import close_thread_connection

T = TypeVar("T")

# a write this quick is applied before the next key, as if it had run on the UI thread
GRACE_S = 0.3
GROUP = "offthread"  # the workers that wait past the grace (tests wait for them)


@dataclass(frozen=True)
class Refusal:
    """What the cashier is told. ``key``: the text key (tests check it), ``field``: where to show it."""

    message: str
    key: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T | None = None
    refusal: Refusal | None = None


def call(
    fn: Callable[[], T],
    *,
    data_dir: Path | None = None,
    on_busy: Callable[[float], None] | None = None,
    expected: tuple[type[Exception], ...] = (),
    doing: str = "",
) -> Outcome[T]:
    """In a worker thread: ``fn()``, its refusal, or the unexpected error logged.

    ``expected``: other exception types whose ``message`` (or text) is a French refusal (the
    printer's faults). ``on_busy(seconds)`` hears of each retry while another desk holds the lock.
    """
    try:
        with store.busy_hook(on_busy):
            return Outcome(fn())
    except DomainError as exc:
        return Outcome(refusal=Refusal(exc.message, exc.key, exc.field))
    except expected as exc:
        return Outcome(refusal=Refusal(getattr(exc, "message", None) or str(exc) or type(exc).__name__))
    except Exception as exc:  # noqa: BLE001 - anything else: logged, said in French, never a crash
        log = log_unexpected(exc, data_dir, doing or getattr(fn, "__qualname__", ""))
        if faults.is_storage_error(exc):  # met by a read (writes refuse in store.write): said as such
            refusal = faults.refusal(exc)
            return Outcome(refusal=Refusal(refusal.message, refusal.key))
        if log is None:
            return Outcome(refusal=Refusal(t("err.unexpected.nolog", error=type(exc).__name__),
                                           "err.unexpected.nolog"))
        return Outcome(refusal=Refusal(t("err.unexpected", log=str(log)), "err.unexpected"))
    finally:
        close_thread_connection()


def printer_errors() -> tuple[type[Exception], ...]:
    """The printer layer's faults, which carry their own French message (``expected`` of ``call``).
    Imported on first use: python-escpos is slow to import; a broken install is logged by ``call``."""
    try:
        from carnet_tui.services.printing import PrinterError
    except ImportError:
        return ()
    return (PrinterError,)


def _data_dir(node: DOMNode) -> Path | None:
    settings = getattr(node.app, "settings", None)
    return getattr(settings, "data_dir", None)


_running: weakref.WeakSet[DOMNode] = weakref.WeakSet()  # owners with a write under way


def is_busy(owner: DOMNode) -> bool:
    return owner in _running


def any_busy() -> bool:
    """A write is under way somewhere (a payment dialog, the sale window): leaving waits for it."""
    return any(owner.is_attached for owner in _running)


async def run(
    owner: DOMNode,
    fn: Callable[[], T],
    *,
    done: Callable[[T], Any],
    refused: Callable[[Refusal], Any],
    show: Callable[[str], Any] | None = None,
    expected: tuple[type[Exception], ...] = (),
) -> bool:
    """Run ``fn`` off the UI thread for ``owner`` (a dialog, a window), then ``done(result)`` or
    ``refused(refusal)`` on the UI thread. ``show(text)`` displays the in-progress line ("" clears
    it). Returns False, doing nothing, while ``owner`` already has one under way."""
    if owner in _running:
        return False
    _running.add(owner)
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()  # Textual's active app, for the calls made from the thread
    shown = {"locked": False, "over": False}

    def locked_ui(seconds: float, key: str = "busy.locked") -> None:
        if show is not None and not shown["over"]:
            shown["locked"] = True
            show(t(key, seconds=int(seconds)))

    def locked(seconds: float) -> None:  # in the worker thread, between two tries
        # a lock held by another desk, or (PostgreSQL) a server out of reach
        key = "busy.unreachable" if store.waiting_for() == "unreachable" else "busy.locked"
        try:
            loop.call_soon_threadsafe(locked_ui, seconds, key, context=context)
        except RuntimeError:  # the app is closing: nobody to tell
            pass

    def finish(outcome: Outcome[T]) -> None:
        shown["over"] = True
        _running.discard(owner)
        if show is not None:
            show("")
        if outcome.refusal is not None:
            refused(outcome.refusal)
        else:
            done(outcome.value)  # type: ignore[arg-type]

    task = asyncio.ensure_future(
        asyncio.to_thread(call, fn, data_dir=_data_dir(owner), on_busy=locked, expected=expected)
    )
    finished, _ = await asyncio.wait({task}, timeout=GRACE_S)
    if finished:
        finish(task.result())
        return True
    if show is not None and not shown["locked"]:
        show(t("busy.saving"))

    async def later() -> None:
        finish(await task)

    owner.run_worker(later(), group=GROUP)
    return True


def query(
    owner: DOMNode,
    fn: Callable[[], T],
    *,
    done: Callable[[T], Any],
    refused: Callable[[Refusal], Any],
    group: str = "search",
) -> None:
    """A read off the UI thread where the latest request wins (an older one's answer is dropped)."""
    data_dir = _data_dir(owner)

    def work() -> None:
        worker = get_current_worker()
        outcome = call(fn, data_dir=data_dir)
        if worker.is_cancelled:
            return
        if outcome.refusal is not None:
            owner.app.call_from_thread(refused, outcome.refusal)
        else:
            owner.app.call_from_thread(done, outcome.value)

    owner.run_worker(work, thread=True, exclusive=True, group=group, exit_on_error=False)

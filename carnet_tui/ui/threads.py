"""What a worker thread of the UI must tidy up (kept apart from the widgets: cheap to import)."""

from __future__ import annotations


def close_thread_connection() -> None:
    """A worker thread opened its own SQLite connection (peewee keeps one per thread): close it."""
    from carnet_tui.store.models import database

    try:
        if database.obj is not None and not database.obj.is_closed():
            database.obj.close()
    except Exception:  # noqa: BLE001 - closing is best effort
        pass

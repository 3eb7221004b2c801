"""``carnet-tui copy``: a venue's whole store from one location to another (SQLite ⇄ PostgreSQL).

Every table, counters and settings included, in one transaction on the target, which must be
empty (a new file, or a database with no carnet tables or with empty ones). The source is read
under its write lock, so no desk changes it halfway. Ids are kept (sales, lines, carnets keep
their numbers and links); the client search is rebuilt for the target's store and a PostgreSQL
target's id sequences are set past the highest id.
"""

from __future__ import annotations

from peewee import AutoField, Database

from carnet_tui.domain.errors import DomainError
from carnet_tui.store import db as store
from carnet_tui.store import dialect
from carnet_tui.store.location import precheck
from carnet_tui.store.models import TABLES, Client, DoorKey, Setting

_CHUNK_VALUES = 12_000  # bound values a statement: under SQLite's 32766 and PostgreSQL's 65535


def _read_all(db: Database) -> dict[str, tuple[list[str], list[tuple]]]:
    found: dict[str, tuple[list[str], list[tuple]]] = {}
    with db.bind_ctx(TABLES):
        with db.atomic():  # the source's write lock: a consistent whole
            for model in TABLES:
                fields = list(model._meta.sorted_fields)
                query = model.select(*fields).order_by(*model._meta.get_primary_keys()).tuples()
                rows = list(query)
                if model is Setting:  # the target has its own schema version
                    rows = [r for r in rows if r[0] != "schema_version"]
                found[model._meta.table_name] = ([f.name for f in fields], rows)
    return found


def _target_is_empty() -> bool:
    for model in TABLES:
        query = model.select()
        if model is Setting:
            query = query.where(Setting.key != "schema_version")
        if model is DoorKey:  # a new store makes its own first key: the source's replace it
            continue
        if query.exists():
            return False
    return True


def copy_store(source: str, target: str) -> dict[str, int]:
    """Copy every row of ``source`` into the empty ``target``; the rows copied, by table."""
    if source == target:
        raise DomainError("err.copy.same", location=source)
    precheck(source)  # a missing file, another program's or a newer schema: refused, nothing written
    src = store.open_location(source)
    dst = store.open_location(target, create_folder=False)
    try:
        with src.bind_ctx(TABLES):
            src.connect(reuse_if_open=True)
            store.migrate(src)
        tables = _read_all(src)
        src.close()
        dst.connect(reuse_if_open=True)
        target_dialect = dialect.of(dst)
        with dst.bind_ctx(TABLES):
            with dst.atomic():  # one transaction: all or nothing on the target
                store.migrate(dst)
                if not _target_is_empty():
                    raise DomainError("err.copy.not_empty", location=target)
                # the source's keys signed its printed billets: they, not the new store's, are kept
                DoorKey.delete().execute()
                counts: dict[str, int] = {}
                for model in TABLES:
                    names, rows = tables[model._meta.table_name]
                    fields = [model._meta.fields[n] for n in names]
                    step = max(1, _CHUNK_VALUES // len(fields))
                    for start in range(0, len(rows), step):
                        model.insert_many(rows[start : start + step], fields=fields).execute()
                    counts[model._meta.table_name] = len(rows)
                names, client_rows = tables[Client._meta.table_name]
                at = [names.index(n) for n in ("id", "name", "phone", "member_number")]
                search = [(r[at[0]], r[at[1]], r[at[2]] or "", r[at[3]] or "") for r in client_rows]
                for start in range(0, len(search), 5000):
                    target_dialect.index_clients(dst, search[start : start + 5000])
                target_dialect.fix_sequences(
                    dst, [m._meta.table_name for m in TABLES if isinstance(m._meta.primary_key, AutoField)]
                )
        return counts
    finally:
        for db in (src, dst):
            if not db.is_closed():
                db.close()

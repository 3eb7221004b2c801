"""What differs between SQLite and PostgreSQL, in one place, chosen when the store is opened.

The services speak peewee queries; what they cannot say that way (client search, bulk client
insert, a few reports) is here, as SQL text that runs on both, or as one method per store.
``current()`` is the dialect of the store the models are bound to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from peewee import Database, PostgresqlDatabase

from carnet_tui.domain.clients import search_tokens, searchable_text

# (id, name, phone, member_number, beneficiary_type, note, created_at) of a checked client
ClientRow = tuple[Any, ...]
_CLIENT_COLUMNS = "name, phone, member_number, beneficiary_type, note, created_at"
_SEARCH_COLUMNS = "c.id, c.name, c.phone, c.member_number, c.beneficiary_type"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def index_words(name: str, phone: str, member_number: str) -> list[str]:
    """The words a client is found by: folded, split like SQLite's unicode61 tokenizer does."""
    return [w for w in _TOKEN.findall(searchable_text(name, phone, member_number).replace("_", " ")) if w]


def _text_time(value: Any) -> Any:
    return value.isoformat(sep=" ") if hasattr(value, "isoformat") else value  # peewee's own text form


class Dialect:
    """SQLite: a file, one writer at a time (BEGIN IMMEDIATE), FTS5 for the search."""

    name = "sqlite"
    # SQLite caps the variables bound in one statement (32766, 999 in old builds): rows per INSERT
    insert_rows = 300
    file_checks = True  # the store is a file that can be deleted or replaced under the app

    def sql(self, text: str) -> str:
        """SQL written with ``?`` placeholders, for this store's driver."""
        return text

    def create_search(self, db: Database) -> None:
        # rowid = client id; the text is folded (accents removed) by the service before indexing
        db.execute_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS client_fts USING fts5("
            "text, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
        )

    def index_clients(self, db: Database, rows: Sequence[tuple[int, str, str, str]]) -> None:
        """(id, name, phone, member number) of clients to (re)index, inside the caller's transaction."""
        db.cursor().executemany(
            "INSERT OR REPLACE INTO client_fts(rowid, text) VALUES (?, ?)",
            [(cid, searchable_text(name, phone, member)) for cid, name, phone, member in rows],
        )

    def search_match(self, tokens: list[str]) -> tuple[str, str]:
        """The search's FROM and WHERE (joined to ``client c``) and the match parameter."""
        # each token quoted (no FTS syntax can leak in) and prefix-matched
        query = " ".join(f'"{tok}"*' for tok in tokens)
        return "client_fts f JOIN client c ON c.id = f.rowid WHERE client_fts MATCH ?", query

    def search_clients(
        self, db: Database, text: str, beneficiary_type: str | None, limit: int, active_only: bool = True
    ) -> list[tuple]:
        """Rows (id, name, phone, member number, type) whose words start with every typed token.
        The counter finds active clients only (a merged duplicate is inactive); the back office all."""
        source, query = self.search_match(search_tokens(text))
        sql = f"SELECT {_SEARCH_COLUMNS} FROM {source}"
        params: list[object] = [query]
        if active_only:
            sql += " AND c.active = ?"
            params.append(True)
        if beneficiary_type:
            sql += " AND c.beneficiary_type = ?"
            params.append(beneficiary_type)
        # no ORDER BY rank: sorting every match of a one-letter prefix costs more than the cashier waits
        sql += " LIMIT ?"
        params.append(limit)
        return list(db.execute_sql(self.sql(sql), params).fetchall())

    def insert_clients(self, db: Database, rows: Sequence[ClientRow]) -> list[int]:
        """Insert checked clients fast, inside the caller's transaction (which holds the write lock)."""
        from carnet_tui.store.models import Client

        # explicit ids (the writer holds the lock) so the search rows can be written in bulk too
        start = (db.execute_sql("SELECT MAX(id) FROM client").fetchone()[0] or 0) + 1
        ids = list(range(start, start + len(rows)))
        # plain executemany: building peewee's multi-row INSERT costs more than SQLite's work here
        db.cursor().executemany(
            f"INSERT INTO {Client._meta.table_name} (id, {_CLIENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(cid, *row[:5], _text_time(row[5])) for cid, row in zip(ids, rows, strict=True)],
        )
        return ids

    def fix_sequences(self, db: Database, tables: Sequence[str]) -> None:
        """After rows were written with explicit ids (``copy``): SQLite's rowids follow by themselves."""


class PostgresDialect(Dialect):
    """PostgreSQL: many machines, a server; search on a GIN index of the folded words."""

    name = "postgresql"
    insert_rows = 1000  # 65535 bound parameters a statement
    file_checks = False

    def sql(self, text: str) -> str:
        return text.replace("%", "%%").replace("?", "%s")

    def create_search(self, db: Database) -> None:
        # the same folded words as SQLite's FTS5 rows (index_words), prefix-matched through a GIN index:
        # accents are removed by the same Python code on both stores, so both find the same clients
        db.execute_sql(
            "CREATE TABLE IF NOT EXISTS client_search ("
            "client_id INTEGER PRIMARY KEY REFERENCES client(id) ON DELETE CASCADE, words TSVECTOR NOT NULL)"
        )
        db.execute_sql("CREATE INDEX IF NOT EXISTS client_search_words ON client_search USING GIN (words)")

    def index_clients(self, db: Database, rows: Sequence[tuple[int, str, str, str]]) -> None:
        if not rows:
            return
        ids = [cid for cid, *_ in rows]
        words = [" ".join(index_words(name, phone, member)) for _, name, phone, member in rows]
        db.execute_sql(
            "INSERT INTO client_search (client_id, words) "
            "SELECT i, array_to_tsvector(array_remove(string_to_array(w, ' '), '')) "
            "FROM unnest(%s::int[], %s::text[]) AS u(i, w) "
            "ON CONFLICT (client_id) DO UPDATE SET words = EXCLUDED.words",
            (ids, words),
        )

    def search_match(self, tokens: list[str]) -> tuple[str, str]:
        # each token a quoted lexeme (no tsquery syntax can leak in), prefix-matched; cast, not
        # to_tsquery: the words are already folded and must not go through a text search parser
        query = " & ".join("'" + tok.replace("\\", "\\\\").replace("'", "''") + "':*" for tok in tokens)
        return "client_search f JOIN client c ON c.id = f.client_id WHERE f.words @@ ?::tsquery", query

    def insert_clients(self, db: Database, rows: Sequence[ClientRow]) -> list[int]:
        ids: list[int] = []
        for start in range(0, len(rows), self.insert_rows):
            chunk = rows[start : start + self.insert_rows]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor = db.execute_sql(
                f"INSERT INTO client ({_CLIENT_COLUMNS}) VALUES {values} RETURNING id",
                [v for row in chunk for v in row],
            )
            ids.extend(r[0] for r in cursor.fetchall())
        return ids

    def fix_sequences(self, db: Database, tables: Sequence[str]) -> None:
        for table in tables:
            seq = db.execute_sql("SELECT pg_get_serial_sequence(%s, 'id')", (table,)).fetchone()[0]
            if seq:
                db.execute_sql(
                    f'SELECT setval(%s, COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)', (seq,)
                )


SQLITE = Dialect()
POSTGRES = PostgresDialect()


def of(db: Database) -> Dialect:
    return POSTGRES if isinstance(db, PostgresqlDatabase) else SQLITE


def current() -> Dialect:
    from carnet_tui.store.models import database

    return of(database.obj)


def rows(text: str, params: Sequence[object] = ()) -> list[tuple]:
    """Run SQL written with ``?`` placeholders (portable SQL only) on the bound store; all rows."""
    from carnet_tui.store.models import database

    db = database.obj
    return list(db.execute_sql(of(db).sql(text), tuple(params)).fetchall())

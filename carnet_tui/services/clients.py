"""Finding clients as the cashier types, and creating one on the spot."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import IntegrityError

from carnet_tui.domain.clients import ClientInput, check_client, search_tokens
from carnet_tui.domain.errors import DomainError
from carnet_tui.domain.rules import check_beneficiary_type, check_id
from carnet_tui.domain.text import clean_text
from carnet_tui.store import db as store
from carnet_tui.store import dialect
from carnet_tui.store.models import Client, database

SEARCH_MAX_CHARS = 200


@dataclass(frozen=True)
class ClientView:
    id: int
    name: str
    phone: str
    member_number: str
    beneficiary_type: str


def _view(row: Client) -> ClientView:
    # a name written before the cleaning rule (an old store) comes out clean all the same
    return ClientView(row.id, clean_text(row.name), clean_text(row.phone), clean_text(row.member_number),
                      row.beneficiary_type)


def search(text: str, beneficiary_type: str | None = None, limit: int = 20) -> list[ClientView]:
    """Clients whose name, phone or member number start with every typed word, accents ignored."""
    if len(text) > SEARCH_MAX_CHARS:
        raise DomainError("err.search.too_long", field="search")
    limit = max(1, min(limit, 200)) if isinstance(limit, int) else 20
    text = clean_text(text)
    if not search_tokens(text):
        # the counter's list: a merged or deactivated client is the back office's, not the sale's
        rows = Client.select().where(Client.active == True).order_by(Client.name).limit(limit)  # noqa: E712
        if beneficiary_type:
            rows = rows.where(Client.beneficiary_type == check_beneficiary_type(beneficiary_type))
        return [_view(r) for r in rows]
    kind = check_beneficiary_type(beneficiary_type) if beneficiary_type else None
    found = dialect.current().search_clients(database.obj, text, kind, limit)
    views = [ClientView(r[0], clean_text(r[1]), clean_text(r[2]), clean_text(r[3]), r[4]) for r in found]
    return sorted(views, key=lambda v: v.name.casefold())


def index_client(client_id: int, name: str, phone: str, member_number: str) -> None:
    dialect.current().index_clients(database.obj, [(client_id, name, phone, member_number)])


def insert_client(data: ClientInput) -> int:
    """Insert inside the caller's transaction; the data must already be checked."""
    try:
        with database.obj.atomic():  # a savepoint: a taken number leaves the caller's work intact
            row = Client.create(
                name=data.name,
                phone=data.phone,
                member_number=data.member_number or None,
                beneficiary_type=data.beneficiary_type,
                note=data.note,
            )
    except IntegrityError as exc:
        raise DomainError(
            "err.client.member_taken", field="member", member=data.member_number
        ) from exc
    index_client(row.id, data.name, data.phone, data.member_number)
    return row.id


def create_client(data: ClientInput) -> ClientView:
    checked = check_client(data)
    client_id = store.write(lambda: insert_client(checked))
    return get_client(client_id)


def get_client(client_id: int) -> ClientView:
    client_id = check_id(client_id, "err.client.not_found", "client")
    row = Client.get_or_none(Client.id == client_id)
    if row is None:
        raise DomainError("err.client.not_found", field="client")
    return _view(row)


def count() -> int:
    return Client.select().count()

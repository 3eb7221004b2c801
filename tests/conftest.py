"""Shared fixtures: a real SQLite file per test, and the manual's catalog."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from carnet_tui.store import db as store
from carnet_tui.store.models import CarnetModel, Tariff


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "carnet.db"


@pytest.fixture
def connected(store_location: str):
    database = store.connect(store_location)
    yield database
    database.close()


# --- the two stores (issue 9): a module marked ``both_stores`` runs on SQLite and PostgreSQL ------

STORE_KINDS = ("sqlite", "pg")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_kind" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_stores"):
        metafunc.parametrize("store_kind", STORE_KINDS, indirect=True)


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def store_location(store_kind: str, db_path: Path) -> str:
    """Where the test's store is: a new SQLite file, or the emptied PostgreSQL test database."""
    if store_kind == "sqlite":
        return str(db_path)
    from support import pg

    if not pg.available():
        pytest.skip("PostgreSQL is not installed here (set CARNET_TEST_PG or install postgresql)")
    store.close()
    return pg.fresh_database()


@pytest.fixture
def ctx(connected):
    """A cashier (amina) signed in at "Caisse 1" on the manual's day, the desk's till open."""
    from support.day import counter_context

    return counter_context()


@dataclass
class ManualCatalog:
    model_id: int
    visitor_tariff_id: int
    member_tariff_id: int


@pytest.fixture
def manual_catalog(connected) -> ManualCatalog:
    """The manual's example: 15 billets, 60 days, 5 500,00 DH (and a tariff for Abonnés only)."""
    model = CarnetModel.create(name="Carnet 15 entrées", billets_count=15, validity_days=60)
    visitor = Tariff.create(model=model, label="Plein tarif", price_cents=550000)
    member = Tariff.create(model=model, label="Tarif abonné", price_cents=450000, beneficiary_types="A")
    return ManualCatalog(model.id, visitor.id, member.id)


@pytest.fixture
def ui_settings(tmp_path: Path):
    """The demo store for the UI tests (imported here lazily: the other tests never load Textual)."""
    from support.ui import demo_settings

    yield from demo_settings(tmp_path)

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
def connected(db_path: Path):
    database = store.connect(str(db_path))
    yield database
    database.close()


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
    from test_ui_support import demo_settings

    yield from demo_settings(tmp_path)

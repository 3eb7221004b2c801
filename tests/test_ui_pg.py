"""One whole sale at the counter on a PostgreSQL server (issue 9): the other UI tests use SQLite."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import pg
from support.venue import LEGAL_VENUE
from test_ui_flow import test_manual_example_end_to_end as manual_example_end_to_end

from carnet_tui.services import demo
from carnet_tui.settings import Settings
from carnet_tui.store import db as store
from carnet_tui.store import dialect

pytestmark = pytest.mark.skipif(not pg.available(), reason="PostgreSQL is not installed here")


@pytest.fixture
def pg_ui_settings(tmp_path: Path) -> Iterator[Settings]:
    store.close()
    url = pg.fresh_database()
    store.connect(url)
    demo.load_demo()
    yield dataclasses.replace(Settings(db=url, venue=LEGAL_VENUE), data_dir=tmp_path / "data")
    store.close()


async def test_manual_example_end_to_end_on_postgresql(pg_ui_settings: Settings) -> None:
    assert dialect.current().name == "postgresql"
    await manual_example_end_to_end(pg_ui_settings)
    assert dialect.current().name == "postgresql"

"""``carnet-tui key rotate | list | retire`` (carnet_tui/door_cli.py), on a real SQLite file."""

from __future__ import annotations

import argparse

import pytest

from carnet_tui import door_cli
from carnet_tui.cli import load_settings
from carnet_tui.domain.errors import DomainError
from carnet_tui.store import db as store
from carnet_tui.store.models import DoorKey


def key(db_path, *words: str, capsys=None) -> str:
    parser = argparse.ArgumentParser()
    door_cli.add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["key", *words, "--db", str(db_path)])
    for name in ("config", "printer", "data_dir", "cashier"):
        setattr(args, name, getattr(args, name, None))
    try:
        assert door_cli.run(load_settings(args), args) == 0
    finally:
        store.close()
    return capsys.readouterr().out if capsys else ""


def test_rotate_list_retire(db_path, capsys, monkeypatch):
    monkeypatch.delenv("CARNET_CONFIG", raising=False)
    monkeypatch.setenv("CARNET_CONFIG", str(db_path.parent / "none.toml"))
    assert "aucune clé" in key(db_path, "list", capsys=capsys).lower()
    assert "A" in key(db_path, "rotate", capsys=capsys)
    assert "B" in key(db_path, "rotate", capsys=capsys)
    out = key(db_path, "retire", "a", capsys=capsys)
    assert "Clé A retirée" in out
    listed = key(db_path, "list", capsys=capsys)
    assert "retirée le" in listed and "signe les nouveaux billets" in listed
    store.connect(str(db_path))
    secrets = [row.secret for row in DoorKey.select()]
    store.close()
    assert all(s not in listed + out for s in secrets)
    with pytest.raises(DomainError):
        key(db_path, "retire", "B")

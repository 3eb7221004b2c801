"""Imports as French spreadsheets save them, through the real ``carnet-tui import`` command:
Windows-1252 (Latin-1) files, ``;`` separators, and a field over csv's limit refused by line."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from test_cli import cli, refused


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """No settings file, data folder or database of the user may leak into a test."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}
    clean["CARNET_CONFIG"] = str(tmp_path / "absent-config.toml")
    clean["CARNET_DATA_DIR"] = str(tmp_path / "data")
    return clean


def clients(db: Path) -> list[tuple[str, str, str | None, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT name, phone, member_number, beneficiary_type, note FROM client ORDER BY id"
        ).fetchall()


def init(tmp_path: Path, env: dict[str, str]) -> Path:
    db = tmp_path / "c.db"
    assert cli("--db", str(db), "init", env=env).returncode == 0
    return db


def test_a_windows_1252_file_with_semicolons_is_read(tmp_path: Path, env: dict[str, str]) -> None:
    db = init(tmp_path, env)
    path = tmp_path / "clients.csv"
    # what French Excel saves as "CSV (séparateur : point-virgule)": Windows-1252, ";", CRLF
    text = (
        "name;phone;member_number;beneficiary_type;note\r\n"
        "Élodie Chérif;06 57 99 84 82;ABO-0001;A;reçu « 5 € », façon Noël\r\n"
        "François Garçon;;;V;\r\n"
    )
    path.write_bytes(text.encode("cp1252"))
    result = cli("--db", str(db), "import", str(path), env=env)
    assert result.returncode == 0, result.stderr
    assert "2 client(s)" in result.stdout
    assert clients(db) == [
        ("Élodie Chérif", "0657998482", "ABO-0001", "A", "reçu « 5 € », façon Noël"),
        ("François Garçon", "", None, "V", ""),
    ]


def test_a_semicolon_catalog_in_utf8_with_its_bom(tmp_path: Path, env: dict[str, str]) -> None:
    db = init(tmp_path, env)
    path = tmp_path / "catalogue.csv"
    path.write_bytes(
        "model;billets_count;validity_days;tariff;price;beneficiary_types\n"
        "Carnet 15 entrées;15;60;Tarif Visiteur;5 500,00;V\n"
        "Carnet 15 entrées;15;60;Tarif Abonné;4 400,00;A\n".encode("utf-8-sig")
    )
    result = cli("--db", str(db), "import", str(path), env=env)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT m.name, t.label, t.price_cents FROM tariff t JOIN carnet_model m ON m.id = t.model_id"
            " ORDER BY t.id"
        ).fetchall()
    assert rows == [
        ("Carnet 15 entrées", "Tarif Visiteur", 550000),
        ("Carnet 15 entrées", "Tarif Abonné", 440000),
    ]


def test_a_field_over_the_csv_limit_is_refused_by_file_and_line(tmp_path: Path, env: dict[str, str]) -> None:
    db = init(tmp_path, env)
    path = tmp_path / "clients.csv"
    # a quote never closed on line 3: the rest of the file is one field of 200 000 characters
    text = 'name,beneficiary_type\nAli,V\n"Broken,V\n' + "x" * 200_000 + "\nZed,V\n"
    path.write_text(text, encoding="utf-8")
    result = cli("--db", str(db), "import", str(path), env=env)
    refused(result, "clients.csv, ligne 3 : champ de plus de 128 Ko")
    assert "rien n'a été importé" in result.stderr
    assert clients(db) == []


def test_a_long_field_on_the_header_line(tmp_path: Path, env: dict[str, str]) -> None:
    db = init(tmp_path, env)
    path = tmp_path / "clients.csv"
    path.write_text('"name' + "x" * 200_000 + "\n", encoding="utf-8")
    result = cli("--db", str(db), "import", str(path), env=env)
    refused(result, "clients.csv, ligne 1 : champ de plus de 128 Ko")


def test_utf8_then_a_windows_1252_line_is_refused_not_garbled(tmp_path: Path, env: dict[str, str]) -> None:
    db = init(tmp_path, env)
    path = tmp_path / "clients.csv"
    path.write_bytes("name,beneficiary_type\nÉlodie,A\n".encode() + "Chérif,V\n".encode("cp1252"))
    refused(cli("--db", str(db), "import", str(path), env=env), "clients.csv, ligne 3 :")
    assert clients(db) == []

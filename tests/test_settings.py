"""The settings file, checked key by key at start through the real command: exit 2, French, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from carnet_tui import settings as settings_module
from carnet_tui.domain.errors import DomainError


def run_cli(config_text: str | bytes | None, tmp_path: Path, *args: str, **env_extra: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}
    config = tmp_path / "carnet-tui.toml"
    if config_text is not None:
        if isinstance(config_text, bytes):
            config.write_bytes(config_text)
        else:
            config.write_text(config_text, encoding="utf-8")
    env.update(CARNET_CONFIG=str(config), CARNET_DATA_DIR=str(tmp_path / "data"), **env_extra)
    return subprocess.run(
        [sys.executable, "-m", "carnet_tui", "--db", str(tmp_path / "c.db"), *(args or ("init",))],
        capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL,
    )


def refused(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


BAD = [
    # (file text, what the message must say: the key, then what is expected)
    ('venue = "x"\n', "- venue : une section", "reçu « x »"),
    ("printer = [1, 2]\n", "- printer : une section", "reçu [1, 2]"),
    ("db = 5\n", "- db : un chemin ou une URL", "reçu 5"),
    ('db = ""\n', "- db : un chemin ou une URL", "reçu « »"),
    ('colour = "red"\n', "- colour : réglage inconnu", "db, venue, printer"),
    ('[printer]\ncolumns = "abc"\n', "- [printer] columns : 32, 42 ou 48", "reçu « abc »"),
    ("[printer]\ncolumns = 100000000000\n", "- [printer] columns : 32, 42 ou 48", "reçu 100000000000"),
    ("[printer]\ncolumns = 0\n", "- [printer] columns : 32, 42 ou 48", "reçu 0"),
    ("[printer]\ncolumns = 40\n", "- [printer] columns : 32, 42 ou 48", "reçu 40"),
    ("[printer]\ncolumns = 42.0\n", "- [printer] columns : 32, 42 ou 48", "reçu 42.0"),
    ("[printer]\ncolumns = true\n", "- [printer] columns : 32, 42 ou 48", "reçu true"),
    ('[venue]\nvat_rate_percent = "vingt"\n', "- [venue] vat_rate_percent : un nombre de 0 à 100", "vingt"),
    ("[venue]\nvat_rate_percent = -100\n", "- [venue] vat_rate_percent : un nombre de 0 à 100", "reçu -100"),
    ("[venue]\nvat_rate_percent = 100.5\n", "- [venue] vat_rate_percent : un nombre de 0 à 100", "100.5"),
    ("[venue]\nvat_rate_percent = nan\n", "- [venue] vat_rate_percent : un nombre de 0 à 100", "reçu nan"),
    ("[printer]\nwrite_timeout_s = 0\n", "- [printer] write_timeout_s : un nombre de secondes", "reçu 0"),
    ("[printer]\nwrite_timeout_s = -5\n", "- [printer] write_timeout_s : un nombre de secondes", "reçu -5"),
    ("[printer]\nwrite_timeout_s = inf\n", "- [printer] write_timeout_s : un nombre de secondes", "reçu inf"),
    ("[printer]\nwrite_timeout_s = nan\n", "- [printer] write_timeout_s : un nombre de secondes", "reçu nan"),
    ('[printer]\nwrite_timeout_s = "5"\n', "- [printer] write_timeout_s : un nombre de secondes", "« 5 »"),
    ('[printer]\ncut = "bogus"\n', "- [printer] cut : « partial », « full » ou « none »", "« bogus »"),
    ('[printer]\nurl = "lpt1:"\n', "- [printer] url : une imprimante serial:…", "« lpt1: »"),
    ("[printer]\nurl = 9100\n", "- [printer] url : un texte entre guillemets", "reçu 9100"),
    ('[printer]\nprofile = ""\n', "- [printer] profile : un texte entre guillemets", "reçu « »"),
    ("[printer]\ncodepage = 858\n", "- [printer] codepage : un texte entre guillemets", "reçu 858"),
    ("[printer]\ncolour = 1\n", "- [printer] colour : réglage inconnu", "url, profile, columns"),
    ("[venue]\nnom = 'x'\n", "- [venue] nom : réglage inconnu", "name, address, ice"),
    ("[venue]\nname = 5\n", "- [venue] name : un texte entre guillemets", "reçu 5"),
    ("[venue]\nice = [1]\n", "- [venue] ice : un texte entre guillemets", "reçu [1]"),
    ("[venue]\nname = 'x'\nname = 'y'\n", "syntaxe TOML incorrecte, ligne 3"),
    ("[venue\n", "syntaxe TOML incorrecte, ligne 1"),
]


@pytest.mark.parametrize(("text", "needles"), [(case[0], case[1:]) for case in BAD])
def test_each_wrong_setting_is_named_in_french_and_exits_2(tmp_path, text, needles):
    result = run_cli(text, tmp_path)
    refused(result, "Fichier de réglages invalide", *needles)
    assert not (tmp_path / "c.db").exists()  # refused before anything is opened


def test_every_wrong_key_is_named_at_once_and_at_the_counters_start(tmp_path):
    text = '[venue]\nvat_rate_percent = "vingt"\n[printer]\ncolumns = 0\ncut = "bogus"\n'
    result = run_cli(text, tmp_path, "run")
    refused(result, "[venue] vat_rate_percent", "[printer] columns", "[printer] cut")
    assert len([line for line in result.stderr.splitlines() if line.startswith("- ")]) == 3


def test_a_file_with_a_byte_order_mark_is_read(tmp_path):
    text = '[venue]\nname = "Hammam Essai"\n[printer]\ncolumns = 32\n'
    result = run_cli("\ufeff" + text, tmp_path)
    assert result.returncode == 0, result.stderr
    (tmp_path / "bom.toml").write_text("\ufeff" + text, encoding="utf-8")
    loaded = settings_module.load(str(tmp_path / "bom.toml"))
    assert loaded.venue.name == "Hammam Essai" and loaded.printer.columns == 32
    # and with a mistake in it, the mistake is named (not the BOM)
    refused(run_cli("\ufeff[printer]\ncolumns = 1\n", tmp_path), "- [printer] columns")


def test_a_file_not_in_utf8(tmp_path):
    refused(run_cli('[venue]\nname = "Société"\n'.encode("latin-1"), tmp_path), "pas un texte UTF-8")


@pytest.mark.parametrize("source", ["--printer", "CARNET_PRINTER"])
def test_a_wrong_printer_on_the_command_line_or_environment(tmp_path, source):
    if source == "--printer":
        result = run_cli(None, tmp_path, "init", "--printer", "lpt1")
    else:
        result = run_cli(None, tmp_path, "init", CARNET_PRINTER="imprimante")
    refused(result, f"Imprimante invalide ({source}) :", "serial:/dev/ttyUSB0")


def test_good_values_are_kept_and_venue_texts_cleaned(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text(
        'db = "/srv/c.db"\n[venue]\nname = "Club\\u001b]0;PWNED\\u0007 Al\\u202eAmal"\n'
        'address = "Rue\\u001b[5m 1\\n Rabat"\nice = 1525836000081\nif_number = "\\u001bp\\u0000 40123456"\n'
        'vat_rate_percent = 14\n'
        '[printer]\nurl = "tcp:10.0.0.5:9100"\ncolumns = 48\ncut = "FULL"\nwrite_timeout_s = 2\n',
        encoding="utf-8",
    )
    loaded = settings_module.load(str(path))
    assert loaded.db == "/srv/c.db"
    assert loaded.venue.name == "Club]0;PWNED AlAmal"
    assert loaded.venue.address == "Rue[5m 1 Rabat"
    assert loaded.venue.ice == "1525836000081" and loaded.venue.if_number == "p 40123456"
    assert loaded.venue.vat_rate_percent == 14.0
    printer = loaded.printer
    assert (printer.url, printer.columns, printer.cut) == ("tcp:10.0.0.5:9100", 48, "full")
    assert loaded.printer.write_timeout_s == 2.0


def test_defaults_have_empty_legal_ids():
    venue = settings_module.VenueSettings()
    assert (venue.ice, venue.if_number, venue.rc, venue.patente) == ("", "", "", "")
    assert venue.missing_legal_ids() == ["ice", "if_number", "rc", "patente"]
    zeros = settings_module.VenueSettings(ice="000000000000000", if_number="0000 0000", rc="1", patente="2")
    assert zeros.missing_legal_ids() == ["ice", "if_number"]
    venue = settings_module.VenueSettings
    nameless = venue(name=" ", address="", ice="1", if_number="2", rc="3", patente="4")
    assert nameless.missing_legal_ids() == ["name", "address"]


def test_load_raises_domain_errors(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("[printer]\ncolumns = 7\n")
    with pytest.raises(DomainError) as caught:
        settings_module.load(str(path))
    assert caught.value.key == "err.config.invalid" and "[printer] columns" in caught.value.message


# --- [counter]: the desk and the idle lock ---------------------------------------------------------

COUNTER_BAD = [
    ('[counter]\ndesk = ""\n', "- [counter] desk : un nom de poste", "reçu « »"),
    ('[counter]\ndesk = "   "\n', "- [counter] desk : un nom de poste", "reçu « »"),
    ("[counter]\ndesk = 5\n", "- [counter] desk : un nom de poste", "reçu 5"),
    (f'[counter]\ndesk = "{"x" * 41}"\n', "- [counter] desk : un nom de poste entre guillemets, de 1 à 40"),
    ('[counter]\ndesk = "\\u001b\\u202e"\n', "- [counter] desk : un nom de poste"),
    ("[counter]\nidle_lock_minutes = 0\n", "- [counter] idle_lock_minutes : un nombre de minutes", "reçu 0"),
    ("[counter]\nidle_lock_minutes = -5\n", "- [counter] idle_lock_minutes", "reçu -5"),
    ("[counter]\nidle_lock_minutes = 481\n", "- [counter] idle_lock_minutes", "reçu 481"),
    ("[counter]\nidle_lock_minutes = nan\n", "- [counter] idle_lock_minutes", "reçu nan"),
    ('[counter]\nidle_lock_minutes = "5"\n', "- [counter] idle_lock_minutes", "reçu « 5 »"),
    ("[counter]\nidle_lock_minutes = true\n", "- [counter] idle_lock_minutes", "reçu true"),
    ("[counter]\nidle = 5\n", "- [counter] idle : réglage inconnu", "desk, idle_lock_minutes"),
    ('counter = "Caisse 1"\n', "- counter : une section", "reçu « Caisse 1 »"),
]


@pytest.mark.parametrize(("text", "needles"), [(case[0], case[1:]) for case in COUNTER_BAD])
def test_each_wrong_counter_setting_is_named(tmp_path, text, needles):
    result = run_cli(text, tmp_path)
    refused(result, "Fichier de réglages invalide", *needles)
    assert not (tmp_path / "c.db").exists()


def test_counter_settings_kept_and_the_desk_from_option_env_then_file(tmp_path, monkeypatch):
    path = tmp_path / "ok.toml"
    path.write_text('[counter]\ndesk = " Caisse\\u001b 2 "\nidle_lock_minutes = 2.5\n', encoding="utf-8")
    monkeypatch.delenv("CARNET_DESK", raising=False)
    assert settings_module.load(str(tmp_path / "absent.toml")).counter == settings_module.CounterSettings()
    loaded = settings_module.load(str(path))
    assert (loaded.counter.desk, loaded.counter.idle_lock_minutes) == ("Caisse 2", 2.5)
    monkeypatch.setenv("CARNET_DESK", "Guichet Piscine")
    assert settings_module.load(str(path)).counter.desk == "Guichet Piscine"
    assert settings_module.load(str(path), desk="Caisse 3").counter.desk == "Caisse 3"  # --desk wins
    monkeypatch.setenv("CARNET_DESK", "")  # set empty: as if unset
    assert settings_module.load(str(path)).counter.desk == "Caisse 2"
    for bad in ("", " ", "x" * 41):
        with pytest.raises(DomainError) as caught:
            settings_module.load(str(path), desk=bad)
        assert caught.value.key == "err.config.desk"


@pytest.mark.parametrize("source", ["--desk", "CARNET_DESK"])
def test_a_wrong_desk_on_the_command_line_or_environment(tmp_path, source):
    if source == "--desk":
        result = run_cli(None, tmp_path, "init", "--desk", "\u202e")
    else:
        result = run_cli(None, tmp_path, "init", CARNET_DESK="y" * 50)
    refused(result, f"Nom de poste invalide ({source}) :", "de 1 à 40 caractères")
    assert not (tmp_path / "c.db").exists()

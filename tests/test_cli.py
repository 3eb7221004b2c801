"""The carnet-tui command in real subprocesses: set-up, import, bulk clients, and clear refusals."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "carnet_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """No settings file, data folder or database of the user may leak into a test."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}
    clean["CARNET_CONFIG"] = str(tmp_path / "absent-config.toml")
    clean["CARNET_DATA_DIR"] = str(tmp_path / "data")
    clean["CARNET_DB"] = str(tmp_path / "env.db")
    return clean


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def refused(result: subprocess.CompletedProcess, needle: str) -> None:
    assert result.returncode == 2, result
    assert needle in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_init_creates_the_database(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "caisse.db"
    result = cli("--db", str(db), "init", env=env)
    assert result.returncode == 0, result.stderr
    assert f"Base de données prête : {db} (schéma" in result.stdout
    assert count(db, "client") == 0
    assert not (tmp_path / "env.db").exists()  # --db wins over CARNET_DB


def test_init_demo_once_then_leaves_it(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "env.db"  # CARNET_DB alone chooses the file
    first = cli("init", "--demo", env=env)
    assert first.returncode == 0, first.stderr
    assert "Données de démonstration chargées" in first.stdout
    clients, models = count(db, "client"), count(db, "carnet_model")
    assert clients >= 200 and models >= 3
    again = cli("init", "--demo", env=env)
    assert again.returncode == 0
    assert "non chargées" in again.stdout
    assert (count(db, "client"), count(db, "carnet_model")) == (clients, models)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM counter WHERE name = 'sale'").fetchone() == (814,)


def test_global_options_after_the_subcommand(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "after.db"
    result = cli("init", "--db", str(db), "--printer", "preview", env=env)
    assert result.returncode == 0, result.stderr
    assert db.exists()


def test_import_reports_rows_and_refuses_a_bad_file_whole(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "env.db"
    good = tmp_path / "clients.csv"
    good.write_text("name,phone,member_number,beneficiary_type\nÉlodie Chérif,0612345678,A-1,A\n", "utf-8")
    result = cli("import", str(good), env=env)
    assert result.returncode == 0, result.stderr
    assert "Import terminé : 0 modèle(s), 0 tarif(s), 1 client(s)." in result.stdout

    bad = tmp_path / "more.csv"
    bad.write_text("name,phone,member_number,beneficiary_type\nKarim,0612345678,B-1,V\nAli,12,,V\n", "utf-8")
    result = cli("import", str(bad), env=env)
    refused(result, "more.csv, ligne 3 : Téléphone invalide")
    assert "rien n'a été importé" in result.stderr
    assert count(db, "client") == 1


def test_import_of_a_missing_file(tmp_path: Path, env: dict[str, str]) -> None:
    refused(cli("import", str(tmp_path / "absent.toml"), env=env), "Fichier introuvable")


def test_demo_clients_prints_count_and_time(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "env.db"
    result = cli("demo-clients", "--count", "500", env=env)
    assert result.returncode == 0, result.stderr
    assert "500 clients ajoutés en " in result.stdout
    assert count(db, "client") == 500
    assert count(db, "client_fts") == 500


def test_demo_clients_bad_count(env: dict[str, str]) -> None:
    refused(cli("demo-clients", "--count", "0", env=env), "Le nombre de clients doit être compris")


def test_missing_folder_is_named_and_not_created(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "nowhere"
    result = cli("--db", str(folder / "carnet.db"), "init", env=env)
    refused(result, f"Le dossier {folder} n'existe pas.")
    assert not folder.exists()


def test_read_only_database_file(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "ro.db"
    assert cli("--db", str(db), "init", "--demo", env=env).returncode == 0
    db.chmod(0o444)
    before = db.read_bytes()
    try:
        refused(cli("--db", str(db), "init", env=env), "est en lecture seule")
        refused(cli("--db", str(db), "demo-clients", "--count", "5", env=env), "est en lecture seule")
        refused(cli("--db", str(db), "run", env=env), "est en lecture seule")
    finally:
        db.chmod(0o644)
    assert db.read_bytes() == before


def test_database_from_a_newer_schema(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "newer.db"
    assert cli("--db", str(db), "init", env=env).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE setting SET value = '99' WHERE key = 'schema_version'")
    refused(cli("--db", str(db), "init", env=env), "schéma 99, plus récent")
    refused(cli("--db", str(db), "run", env=env), "mettez carnet-tui à jour")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM setting WHERE key = 'schema_version'").fetchone() == ("99",)


def test_a_file_that_is_not_a_database(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "notes.db"
    db.write_text("ceci n'est pas une base\n" * 100)
    refused(cli("--db", str(db), "init", env=env), "Impossible d'ouvrir la base de données")


def test_bad_settings_file(tmp_path: Path, env: dict[str, str]) -> None:
    config = tmp_path / "carnet-tui.toml"
    config.write_text("[venue]\nnom = 'x'\n")
    refused(cli("--config", str(config), "init", env=env), "Fichier de réglages invalide")


def test_missing_settings_file_named_on_the_command_line(tmp_path: Path, env: dict[str, str]) -> None:
    refused(cli("--config", str(tmp_path / "typo.toml"), "init", env=env), "Fichier de réglages introuvable")


def test_unknown_database_url(env: dict[str, str]) -> None:
    refused(cli("--db", "oracle://x/y", "init", env=env), "Adresse de base de données non reconnue")


def test_console_script_and_help(env: dict[str, str]) -> None:
    script = BIN / "carnet-tui"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0
    for command in ("run", "init", "import", "demo-clients", "--db", "--config", "--printer"):
        assert command in result.stdout


def test_the_cli_does_not_import_textual_until_run(env: dict[str, str]) -> None:
    code = (
        "import sys; from carnet_tui import cli; "
        "cli.main(['init']); "
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr


def _run_in_terminal(args: list[str], env: dict[str, str], ready: bytes, keys: bytes) -> tuple[int, bytes]:
    """Start the app on a real pseudo-terminal (80×24), wait for ``ready`` on screen, type ``keys``."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    pid, fd = pty.fork()
    if pid == 0:  # child: the real program, as a cashier would start it
        os.execve(sys.executable, [sys.executable, "-m", "carnet_tui", *args], {**env, "TERM": "xterm"})
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    screen, sent = b"", False
    give_up = time.monotonic() + 90  # a hang guard, not a speed assertion
    while time.monotonic() < give_up:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal: it has quit
                break
            if not chunk:
                break
            screen += chunk
        if not sent and ready in screen:
            os.write(fd, keys)
            sent = True
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), screen


def test_run_fills_the_new_default_store_then_opens_the_counter(tmp_path: Path, env: dict[str, str]) -> None:
    pytest.importorskip("carnet_tui.ui.app")
    env = {k: v for k, v in env.items() if k != "CARNET_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")  # the user's data folder, where the default lives
    db = tmp_path / "xdg" / "carnet-tui" / "carnet.db"
    code, screen = _run_in_terminal([], env, ready=b"Quitter", keys=b"\x11")
    assert code == 0, screen[-2000:]
    assert count(db, "client") >= 200 and count(db, "carnet_model") >= 3


def test_run_on_a_missing_db_refuses_and_points_to_init(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "typo.db"
    # on a terminal, as a cashier starts it (without one the counter refuses to start anyway)
    code, screen = _run_in_terminal(["--db", str(db)], env, ready=b"init", keys=b"")
    said = b" ".join(screen.split()).decode()
    assert code == 2 and "Traceback" not in said, said
    assert f"La base de données {db} n'existe pas. Créez-la d'abord : carnet-tui --db {db} init" in said
    assert not db.exists()
    code, screen = _run_in_terminal([], env, ready=b"init", keys=b"")  # CARNET_DB alike
    assert code == 2 and b"env.db n'existe pas" in screen
    assert not (tmp_path / "env.db").exists()


def test_run_on_an_initialised_db_opens_it_without_demo_data(tmp_path: Path, env: dict[str, str]) -> None:
    pytest.importorskip("carnet_tui.ui.app")
    db = tmp_path / "caisse.db"
    assert cli("--db", str(db), "init", env=env).returncode == 0
    code, screen = _run_in_terminal(["--db", str(db)], env, ready=b"Quitter", keys=b"\x11")
    assert code == 0, screen[-2000:]
    assert count(db, "client") == 0 and count(db, "carnet_model") == 0


def test_another_applications_sqlite_file_is_refused_untouched(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "compta.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY, amount INTEGER)")
        conn.execute("INSERT INTO invoice (amount) VALUES (42)")
    conn.close()
    before = db.read_bytes()
    for command in (["init"], ["init", "--demo"], ["demo-clients", "--count", "5"]):
        refused(cli("--db", str(db), *command, env=env), "est une base SQLite d'une autre application")
    code, screen = _run_in_terminal(["--db", str(db)], env, ready=b"application", keys=b"")
    assert code == 2 and "une autre application" in b" ".join(screen.split()).decode()
    csv = tmp_path / "c.csv"
    csv.write_text("name,beneficiary_type\nAli,V\n")
    refused(cli("--db", str(db), "import", str(csv), env=env), "(tables : invoice)")
    assert db.read_bytes() == before
    with sqlite3.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {"invoice"}


@pytest.mark.parametrize("argv", [[], ["--db", "x.db"], ["--db=x.db", "--desk", "Poste 2"],
                                  ["--config", "c.toml", "--printer", "file:/tmp/p", "--data-dir", "d",
                                   "--cashier", "amina"], ["--db", "a.db", "--db", "b.db"], ["--desk=x=y"]])
def test_the_counters_short_reading_reads_what_the_whole_parser_reads(argv: list[str]) -> None:
    from carnet_tui.cli import build_parser
    from carnet_tui.launch import counter_options, runs_the_counter

    assert runs_the_counter(argv)
    assert {**counter_options(argv), "command": None} == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["run"], ["--db", "x.db", "init"], ["--help"], ["-h"], ["--db"],
                                  ["--db", "--desk"], ["--nope"], ["user", "list"], ["x.db"]])
def test_anything_else_goes_through_the_whole_parser(argv: list[str]) -> None:
    from carnet_tui.launch import runs_the_counter

    assert not runs_the_counter(argv)

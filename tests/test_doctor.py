"""``carnet-tui doctor`` through the real command: each fault named in French with its fix, exit 1."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUNUSER = shutil.which("runuser") or "runuser"
SITE = next(Path(sys.prefix).glob("lib/python3*/site-packages"))


def doctor(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "carnet_tui", *args, "doctor"], capture_output=True,
                          text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_")}
    clean["CARNET_CONFIG"] = str(tmp_path / "absent-config.toml")
    clean["CARNET_DATA_DIR"] = str(tmp_path / "data")
    return clean


def make_db(path: Path, env: dict[str, str]) -> None:
    done = subprocess.run([sys.executable, "-m", "carnet_tui", "--db", str(path), "init"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr


def test_all_well_exits_0(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "c.db"
    make_db(db, env)
    done = doctor("--db", str(db), "--printer", f"file:{tmp_path / 'out.bin'}", env=env)
    assert done.returncode == 0, done.stdout
    assert "schéma" in done.stdout and "Tout est prêt" in done.stdout
    assert "[ERREUR]" not in done.stdout
    assert not (tmp_path / "out.bin").exists()  # nothing printed


def test_missing_db_names_init(tmp_path: Path, env: dict[str, str]) -> None:
    db = tmp_path / "absent.db"
    done = doctor("--db", str(db), env=env)
    assert done.returncode == 1
    assert "n'existe pas" in done.stdout
    assert f"carnet-tui --db {db} init" in done.stdout
    assert not db.exists()  # the doctor writes nothing


def test_bad_settings_and_unreachable_printer(tmp_path: Path, env: dict[str, str]) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[printer]\ncolumns = 40\n", encoding="utf-8")
    done = doctor("--config", str(config), env=env)
    assert done.returncode == 1
    assert "[printer] columns" in done.stdout and "Réglages" not in done.stdout.split("\n")[0]

    db = tmp_path / "c.db"
    make_db(db, env)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = doctor("--db", str(db), "--printer", f"tcp:127.0.0.1:{port}", env=env)
    assert done.returncode == 1
    assert f"Imprimante tcp:127.0.0.1:{port} injoignable" in done.stdout


def test_old_schema_names_init(tmp_path: Path, env: dict[str, str]) -> None:
    import sqlite3

    db = tmp_path / "old.db"
    make_db(db, env)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE setting SET value = '1' WHERE key = 'schema_version'")
    done = doctor("--db", str(db), env=env)
    assert done.returncode == 1
    assert "au schéma 1" in done.stdout and f"carnet-tui --db {db} init" in done.stdout


# --- as an unprivileged account: root bypasses the permission bits -------------------------------


def _unprivileged() -> str | None:
    if os.geteuid() != 0 or not shutil.which("runuser"):
        return None
    for name in ("nobody", "daemon"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return None


def _system_python() -> str:
    """The venv's interpreter may live in root's home: the system's, with our code on its path."""
    python = shutil.which("python3", path="/usr/bin:/usr/local/bin")
    if python is None or subprocess.run([python, "-c", "import sys; assert sys.version_info >= (3, 11)"]
                                        ).returncode:
        pytest.skip("no system Python 3.11+ for the unprivileged account")
    return python


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="carnet-doctor-"))  # not under root's 0700 pytest folder
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(_unprivileged() is None, reason="needs root and runuser to play a cashier account")
def test_closed_folders_as_a_cashier(shared_dir: Path) -> None:
    user = _unprivileged()
    assert user
    python = _system_python()
    # the install compiled as docs/DEPLOY.md says (else the doctor names that too)
    subprocess.run([python, "-m", "compileall", "-q", str(REPO / "carnet_tui")], check=True)
    base = shared_dir / "base"
    base.mkdir()
    db = base / "c.db"
    make_db(db, {**os.environ, "CARNET_CONFIG": str(shared_dir / "none.toml")})
    owner = pwd.getpwnam(user)
    os.chown(db, owner.pw_uid, owner.pw_gid)  # the file is the cashier's, the folder is not (WAL)
    data = shared_dir / "data"
    data.mkdir(mode=0o755)  # root's: the spool cannot be made there
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8",
           "PYTHONPATH": f"{REPO}:{SITE}", "CARNET_CONFIG": str(shared_dir / "none.toml")}
    done = subprocess.run(
        [RUNUSER, "-u", user, "--", python, "-m", "carnet_tui", "--db", str(db),
         "--data-dir", str(data), "doctor"],
        capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert f"Dossier de la base {base} non inscriptible" in out and "WAL" in out
    assert f"chgrp carnet {base} && chmod 2770 {base}" in out
    assert f"Dossier d'aperçu d'impression {data / 'spool'} non inscriptible" in out
    assert "--data-dir DOSSIER" in out

    # the counter itself refuses the closed folder before its screen, in French
    run = subprocess.run(
        [RUNUSER, "-u", user, "--", python, "-m", "carnet_tui", "--db", str(db), "--data-dir", str(data)],
        capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert run.returncode == 2
    assert "journal (WAL)" in run.stderr and "readonly" not in run.stderr

    # fixed as the doctor says: group-writable folders; then all is well
    os.chown(base, owner.pw_uid, owner.pw_gid)
    os.chown(data, owner.pw_uid, owner.pw_gid)
    done = subprocess.run(
        [RUNUSER, "-u", user, "--", python, "-m", "carnet_tui", "--db", str(db),
         "--data-dir", str(data), "doctor"],
        capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr


def test_screen_is_utf8_whatever_the_locale(tmp_path: Path, env: dict[str, str]) -> None:
    """A latin-1 stream encoding (a non-UTF-8 locale) once drew the boxes as ``\\u2554``."""
    from support.terminal import Terminal

    db = tmp_path / "c.db"
    make_db(db, env)
    term = Terminal.carnet(["--db", str(db)], {**env, "PYTHONIOENCODING": "latin-1"})
    try:
        term.wait_for_text("Créez".encode())  # the sign-in screen of a store with no user yet
        term.wait_for_text("│".encode())
    finally:
        term.stop()
    assert b"\\u2502" not in term.bytes() and b"\\xe9" not in term.bytes()


def test_preview_without_a_writable_data_folder_says_which_folder(tmp_path: Path) -> None:
    """Not "Imprimante introuvable : preview." (what a service account with no home once read)."""
    from carnet_tui.printing.devices import DeviceError, open_device
    from carnet_tui.services.printing import _printer_error
    from carnet_tui.settings import PrinterSettings, Settings

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(DeviceError) as caught:
        open_device(PrinterSettings(url="preview"), blocker / "data")
    assert caught.value.kind == "spool"
    message = _printer_error(caught.value, Settings()).message
    assert str(blocker / "data" / "spool") in message and "--data-dir" in message
    assert "introuvable" not in message


def test_compiled_modules_judged_as_the_import_system_does(tmp_path: Path) -> None:
    import compileall

    from carnet_tui.doctor import check_compiled, stale_modules

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("X = 1\n")
    (package / "b.py").write_text("Y = 2\n")
    assert stale_modules(package) == [package / "a.py", package / "b.py"]  # never compiled
    assert check_compiled(package).unchecked  # this account may compile them: said, not a fault
    assert compileall.compile_dir(str(package), quiet=1)
    assert stale_modules(package) == []
    assert check_compiled(package).ok
    (package / "b.py").write_text("Y = 22\n")  # an update: b's .pyc no longer matches its source
    os.utime(package / "b.py", (1, 1))
    assert stale_modules(package) == [package / "b.py"]


@pytest.mark.skipif(_unprivileged() is None, reason="needs root and runuser to play a cashier account")
def test_an_install_the_cashier_cannot_compile_is_named_with_its_fix(shared_dir: Path) -> None:
    user = _unprivileged()
    assert user
    python = _system_python()
    src = shared_dir / "src"  # root's, readable by all: docs/DEPLOY.md's /opt/carnet-tui/src
    shutil.copytree(REPO / "carnet_tui", src / "carnet_tui",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for folder in (shared_dir, src, *[p for p in src.rglob("*") if p.is_dir()]):
        folder.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8",
           "PYTHONPATH": f"{src}:{SITE}", "CARNET_CONFIG": str(shared_dir / "none.toml"),
           "CARNET_DATA_DIR": str(shared_dir / "data")}

    def doctor_as_cashier() -> str:
        done = subprocess.run([RUNUSER, "-u", user, "--", python, "-m", "carnet_tui", "doctor"],
                              capture_output=True, text=True, env=env, timeout=60,
                              stdin=subprocess.DEVNULL, cwd=shared_dir)  # not the repo's copy
        return done.stdout + done.stderr

    out = doctor_as_cashier()
    assert "ne sont pas compilés et ce compte ne peut pas les compiler" in out, out
    assert f"-m compileall -q {src / 'carnet_tui'}" in out
    # the fix, as root, as the doctor says
    subprocess.run([python, "-m", "compileall", "-q", str(src / "carnet_tui")], check=True)
    out = doctor_as_cashier()
    assert "Programme compilé" in out and "pas compilés" not in out, out

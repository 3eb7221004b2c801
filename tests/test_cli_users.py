"""People from the command line, in real subprocesses on real SQLite files: user add/list/disable/pin,
init's first admin, the demo users; every refusal in French with exit 2, and nothing half-written."""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import HOSTILE_TEXTS
from support.cli import clean_env, refused, rows, run

from carnet_tui import cli
from carnet_tui.domain.errors import DomainError
from carnet_tui.services import demo, people
from carnet_tui.store import db as store

PIN_TWICE = "4821\n4821\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path)


@pytest.fixture
def db(tmp_path: Path, env: dict[str, str]) -> Path:
    """A store with its first admin (Amina), made by ``init --admin``."""
    path = tmp_path / "caisse.db"
    result = run(path, "init", "--admin", "Amina", env=env, stdin="9731\n9731\n")
    assert result.returncode == 0, result.stderr
    assert "Administrateur Amina créé." in result.stdout
    return path


def signs_in(db: Path, name: str, pin: str) -> bool:
    store.connect(str(db))
    try:
        return people.sign_in(name, pin, "Caisse 1").user == name
    except DomainError:
        return False
    finally:
        store.close()


def users(db: Path) -> list[tuple]:
    return rows(db, "SELECT name, role, active FROM user ORDER BY name")


def journal_kinds(db: Path) -> list[str]:
    return [kind for (kind,) in rows(db, "SELECT kind FROM journal ORDER BY seq")]


def test_add_list_then_sign_in(db: Path, env: dict[str, str]) -> None:
    added = run(db, "user", "add", "Élodie Chérif", "--role", "caissier", env=env, stdin=PIN_TWICE)
    assert added.returncode == 0, added.stderr
    assert "Utilisateur Élodie Chérif ajouté (caissier)." in added.stdout
    karim = run(db, "user", "add", "Karim", "--role", "controleur", env=env, stdin="1111\n1111\n")
    assert karim.returncode == 0, karim.stderr
    listed = run(db, "user", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["Nom", "Rôle", "Actif", "Bloqué"]
    assert [line.split()[-3:] for line in lines[1:]] == [
        ["admin", "oui", "non"], ["contrôleur", "oui", "non"], ["caissier", "oui", "non"]]
    assert lines[3].startswith("Élodie Chérif ")
    (stored,) = rows(db, "SELECT pin_hash FROM user WHERE name = 'Élodie Chérif'")[0]
    assert stored.startswith("scrypt$") and "4821" not in stored
    assert signs_in(db, "Élodie Chérif", "4821")
    assert not signs_in(db, "Élodie Chérif", "4822")
    # the journal says who did it from the command line
    actors = rows(db, "SELECT actor FROM journal WHERE kind = 'user_added'")
    assert all(actor.startswith("système") for (actor,) in actors)


def test_a_locked_user_is_listed_then_unlocked_by_a_new_pin(db: Path, env: dict[str, str]) -> None:
    assert run(db, "user", "add", "Samir", "--role", "caissier", env=env, stdin=PIN_TWICE).returncode == 0
    for _ in range(5):
        assert not signs_in(db, "Samir", "0000")
    listed = run(db, "user", "list", env=env).stdout
    assert "jusqu'à " in next(line for line in listed.splitlines() if line.startswith("Samir"))
    assert not signs_in(db, "Samir", "4821")  # locked: even the right PIN
    changed = run(db, "user", "pin", "Samir", env=env, stdin="5555\n5555\n")
    assert changed.returncode == 0, changed.stderr
    assert "Code PIN de Samir changé" in changed.stdout
    assert signs_in(db, "Samir", "5555") and not signs_in(db, "Samir", "4821")


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (("Zoé", "--role", "caissier"), "12\n12\n", "Le code PIN doit avoir de 4 à 8 chiffres."),
        (("Zoé", "--role", "caissier"), "123456789\n123456789\n", "de 4 à 8 chiffres"),
        (("Zoé", "--role", "caissier"), "12a4\n12a4\n", "de 4 à 8 chiffres"),
        (("Zoé", "--role", "caissier"), "١٢٣٤\n١٢٣٤\n", "de 4 à 8 chiffres"),  # Arabic-Indic digits
        (("Zoé", "--role", "caissier"), "1234\n1235\n", "Les deux codes PIN saisis sont différents."),
        (("Zoé", "--role", "caissier"), "1234\n", "Code PIN attendu"),
        (("Zoé", "--role", "caissier"), "", "Code PIN attendu"),
        (("Zoé", "--role", "chef"), PIN_TWICE, "Rôle inconnu : chef."),
        (("Amina", "--role", "caissier"), PIN_TWICE, "L'utilisateur Amina existe déjà."),
        (("  ", "--role", "caissier"), PIN_TWICE, "Le nom est obligatoire."),
        (("x" * 41, "--role", "caissier"), PIN_TWICE, "40"),
    ],
)
def test_user_add_refusals(db: Path, env: dict[str, str], args: tuple, stdin: str, needle: str) -> None:
    before_users, before_journal = users(db), journal_kinds(db)
    refused(run(db, "user", "add", *args, env=env, stdin=stdin), needle)
    assert users(db) == before_users and journal_kinds(db) == before_journal


def test_disable_then_refused_and_the_last_admin_kept(db: Path, env: dict[str, str]) -> None:
    assert run(db, "user", "add", "Nadia", "--role", "responsable", env=env, stdin=PIN_TWICE).returncode == 0
    done = run(db, "user", "disable", "Nadia", env=env)
    assert done.returncode == 0, done.stderr
    assert "Utilisateur Nadia désactivé" in done.stdout
    assert ("Nadia", "responsable", 0) in users(db)
    assert not signs_in(db, "Nadia", "4821")
    assert "non" in next(line for line in run(db, "user", "list", env=env).stdout.splitlines()
                         if line.startswith("Nadia")).split()
    refused(run(db, "user", "disable", "Amina", env=env), "dernier administrateur actif")
    refused(run(db, "user", "disable", "Personne", env=env), "Utilisateur inconnu ou désactivé : Personne.")
    assert ("Amina", "admin", 1) in users(db)
    # a second admin: then the first may go
    assert run(db, "user", "add", "Hicham", "--role", "admin", env=env, stdin=PIN_TWICE).returncode == 0
    assert run(db, "user", "disable", "Amina", env=env).returncode == 0


def test_user_pin_refusals(db: Path, env: dict[str, str]) -> None:
    before = rows(db, "SELECT pin_hash FROM user")
    refused(run(db, "user", "pin", "Personne", env=env, stdin=PIN_TWICE), "Utilisateur inconnu")
    refused(run(db, "user", "pin", "Amina", env=env, stdin="1234\n4321\n"), "sont différents")
    refused(run(db, "user", "pin", "Amina", env=env, stdin="abc\nabc\n"), "de 4 à 8 chiffres")
    assert rows(db, "SELECT pin_hash FROM user") == before
    assert signs_in(db, "Amina", "9731")


def test_init_asks_for_the_first_admin_on_stdin(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "neuf.db"
    result = run(path, "init", env=env, stdin="Fatima Zahra\n2468\n2468\n")
    assert result.returncode == 0, result.stderr
    assert "Administrateur Fatima Zahra créé." in result.stdout
    assert users(path) == [("Fatima Zahra", "admin", 1)]
    assert signs_in(path, "Fatima Zahra", "2468")
    again = run(path, "init", env=env, stdin="Autre\n1111\n1111\n")  # an admin exists: nothing read
    assert again.returncode == 0 and users(path) == [("Fatima Zahra", "admin", 1)]


def test_init_without_an_answer_leaves_no_user_and_says_how(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "neuf.db"
    result = run(path, "init", env=env, stdin="")
    assert result.returncode == 0, result.stderr
    assert "carnet-tui user add NOM --role admin" in result.stdout
    assert users(path) == []
    mismatch = run(path, "init", env=env, stdin="Driss\n2468\n2469\n")
    refused(mismatch, "sont différents")
    assert users(path) == []
    refused(run(path, "init", "--admin", "Driss", env=env, stdin="12\n12\n"), "de 4 à 8 chiffres")
    assert users(path) == []


def test_init_demo_creates_the_demo_users_without_a_question(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "demo.db"
    result = run(path, "init", "--demo", env=env, stdin="Ignoré\n1111\n1111\n")
    assert result.returncode == 0, result.stderr
    assert "Admin (admin) 1234" in result.stdout
    assert {name for name, _role, _active in users(path)} == {name for name, _r, _p in demo.DEMO_USERS}
    for name, role, pin in demo.DEMO_USERS:
        store.connect(str(path))
        try:
            ctx = people.sign_in(name, pin, "Caisse 1")
            assert (ctx.user, ctx.role.value) == (name, role)
        finally:
            store.close()


def test_desk_option_and_cashier_help(tmp_path: Path, env: dict[str, str]) -> None:
    helped = run(tmp_path / "x.db", "--help", env=env)
    said = " ".join(helped.stdout.split())
    assert "--desk NOM" in said and "CARNET_DESK" in said
    assert "présélectionné" in said  # --cashier only preselects the name on the sign-in screen
    refused(run(tmp_path / "x.db", "--desk", "   ", "init", env=env), "Nom de poste invalide (--desk)")
    refused(run(tmp_path / "x.db", "init", env={**env, "CARNET_DESK": "x" * 41}),
            "Nom de poste invalide (CARNET_DESK)")
    assert not (tmp_path / "x.db").exists()


# --- hostile names and PINs through the command itself (in this process, stdin replaced) ----------

NAMES = st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(max_size=60))
PINS = st.one_of(st.sampled_from(["1234", "12345678", "123", "123456789", "12 34", "١٢٣٤", "", "0000"]),
                 st.text(alphabet="0123456789a \t", max_size=10))
ROLES = st.sampled_from(["caissier", "responsable", "admin", "contrôleur", "controleur", "chef", "", "[/]"])


def _main(args: list[str], stdin: str) -> tuple[int, str]:
    err = io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(args)
    finally:
        sys.stdin = saved
    return code, err.getvalue()


@pytest.fixture
def in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in clean_env(tmp_path).items():
        if name.startswith("CARNET_"):
            monkeypatch.setenv(name, value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, role=ROLES, pin=PINS, again=st.booleans())
def test_hostile_user_add_is_refused_whole_or_done_whole(db: Path, in_process: None, name: str, role: str,
                                                        pin: str, again: bool) -> None:
    second = pin if again else pin + "9"
    code, said = _main(["--db", str(db), "user", "add", "--role", role, "--", name], f"{pin}\n{second}\n")
    assert code in (0, 2) and "Traceback" not in said
    if code == 2:
        assert said.strip() and not said.startswith("err.")  # a French sentence, not a key
    # no half rows: each user has exactly its journal row, a hash and a known role
    names = {r[0] for r in rows(db, "SELECT name FROM user")}
    journaled = {r[0] for r in rows(db, "SELECT json_extract(data, '$.name') FROM journal "
                                        "WHERE kind = 'user_added'")}
    assert names == journaled
    assert all(h.startswith("scrypt$") for (h,) in rows(db, "SELECT pin_hash FROM user"))
    assert {r for (r,) in rows(db, "SELECT role FROM user")} <= {"caissier", "responsable", "admin",
                                                                  "contrôleur"}
    for (stored,) in rows(db, "SELECT name FROM user"):
        assert all(ord(ch) >= 0x20 for ch in stored) and "\u202e" not in stored and len(stored) <= 40


def test_the_counters_first_start_on_the_default_store_gives_the_demo_users(tmp_path: Path) -> None:
    """What `make run` does before its first screen (cmd_run: precheck, then _open_for_counter after
    the first frame), without the screen: the new default store can be signed in to."""
    import subprocess

    env = clean_env(tmp_path)
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    code = (
        "from carnet_tui import cli; from carnet_tui.store import location; "
        "s = cli.load_settings(cli.build_parser().parse_args([])); "
        "location.precheck(s.db); cli._open_for_counter(s)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "xdg" / "carnet-tui" / "carnet.db"
    assert signs_in(db, "Samir", "1111") and signs_in(db, "Admin", "1234")
    assert rows(db, "SELECT COUNT(*) FROM carnet_model")[0][0] >= 3

"""``carnet-tui key rotate | list | retire`` (carnet_tui/door_cli.py, wired in cli.py), on a real
SQLite file, through the command's own entry point."""

from __future__ import annotations

from carnet_tui import cli
from carnet_tui.store import db as store
from carnet_tui.store.models import DoorKey


def key(db_path, capsys, *words: str) -> tuple[int, str]:
    try:
        code = cli.main(["key", *words, "--db", str(db_path)])
    finally:
        store.close()
    out = capsys.readouterr()
    return code, out.out + out.err


def test_rotate_list_retire(db_path, capsys, monkeypatch):
    monkeypatch.setenv("CARNET_CONFIG", str(db_path.parent / "none.toml"))
    assert cli.main(["init", "--db", str(db_path), "--demo"]) == 0  # the first key comes with the store
    capsys.readouterr()
    code, listed = key(db_path, capsys, "list")
    assert code == 0 and "A" in listed and "signe les nouveaux billets" in listed
    assert key(db_path, capsys, "rotate") == (0, key_line := key_line_of("B"))
    assert "C" in key(db_path, capsys, "rotate")[1]
    code, out = key(db_path, capsys, "retire", "a")
    assert code == 0 and "Clé A retirée" in out
    code, listed = key(db_path, capsys, "list")
    assert "retirée le" in listed and "signe les nouveaux billets" in listed
    store.connect(str(db_path))
    secrets = [row.secret for row in DoorKey.select()]
    store.close()
    assert all(s not in listed + out + key_line for s in secrets)  # a secret is never printed
    code, out = key(db_path, capsys, "retire", "A")  # already retired: refused, in French
    assert code == 2 and "A" in out


def key_line_of(letter: str) -> str:
    from carnet_tui.texts import t

    return t("door.cli.rotated", letter=letter) + "\n"

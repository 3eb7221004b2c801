"""The compiled code kept between starts (carnet_tui/code_cache.py): each start in its own
interpreter, with a real cache file, as a cashier's logins are."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from carnet_tui import code_cache

REPO = Path(__file__).resolve().parent.parent

# a start: the cache put in place, then classes made the three ways the standard library compiles
START = r'''
from __future__ import annotations  # the generated methods must not inherit it
import json, sys
from pathlib import Path
from carnet_tui import code_cache

cache = code_cache.GeneratedCode(Path(sys.argv[1]) if sys.argv[1] != "-" else None)
if sys.argv[1] != "-":  # "-": Python's own compiling, to compare with
    cache.install()
import dataclasses, typing
from typing import NamedTuple

@dataclasses.dataclass(frozen=True)
class Sale:
    number: int
    amount_cents: int = 0
    label: str = "carnet"

class Point(NamedTuple):
    x: int
    y: int = 2

ref = typing.Optional["Sale"]
sale = Sale(815, 11000)
try:
    sale.number = 816
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
holder = type("T", (), {"__annotations__": {"s": ref}, "__module__": __name__})
behaviour = {
    "repr": repr(sale), "eq": sale == Sale(815, 11000), "ne": sale != Sale(816),
    "hash": hash(sale) == hash(Sale(815, 11000)), "frozen": frozen, "defaults": repr(Sale(1)),
    "annotations": sorted(map(str, Sale.__init__.__annotations__.values())),
    "point": repr(Point(1)), "ref": repr(typing.get_type_hints(holder)),
}
cache.save()
print(json.dumps({"compiled": cache.compiled, "hits": cache.hits, "behaviour": behaviour}))
'''


def start(tmp_path: Path, folder: Path | None) -> dict:
    script = tmp_path / "start.py"
    script.write_text(START, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(folder) if folder else "-"], capture_output=True,
                          text=True, cwd=REPO, check=True)
    return json.loads(done.stdout)


def test_a_second_start_compiles_nothing_and_behaves_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first = start(tmp_path, folder)
    assert first["compiled"] > 10  # (a text met twice in one start is compiled once)
    second = start(tmp_path, folder)
    assert second["compiled"] == 0
    assert second["hits"] >= first["compiled"]
    uncached = start(tmp_path, None)  # without the cache at all
    assert uncached["compiled"] == 0
    assert first["behaviour"] == second["behaviour"] == uncached["behaviour"]
    assert second["behaviour"]["frozen"] and second["behaviour"]["eq"] and second["behaviour"]["hash"]
    assert second["behaviour"]["defaults"] == "Sale(number=1, amount_cents=0, label='carnet')"
    file = folder / code_cache.FILE
    assert file.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("spoil", ["group-writable", "garbage", "truncated", "another-python", "flipped"])
def test_a_file_not_to_be_trusted_is_not_read(tmp_path: Path, spoil: str) -> None:
    folder = tmp_path / "cache"
    first = start(tmp_path, folder)
    file = folder / code_cache.FILE
    data = file.read_bytes()
    if spoil == "group-writable":
        file.chmod(0o664)
    elif spoil == "garbage":
        file.write_bytes(os.urandom(len(data)))
    elif spoil == "truncated":
        file.write_bytes(data[: len(data) // 2])
    elif spoil == "another-python":
        file.write_bytes(b"\x00\x00\r\n" + data[4:])
    else:  # one byte changed inside: the checksum no longer matches
        middle = len(data) // 2
        file.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:])
    again = start(tmp_path, folder)
    assert again["compiled"] == first["compiled"]
    assert again["behaviour"] == first["behaviour"]


def test_an_unwritable_folder_only_means_compiling(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    once = start(tmp_path, blocked)  # the cache "folder" is a file: nothing can be written under it
    assert once["compiled"] > 10
    assert start(tmp_path, blocked)["compiled"] == once["compiled"]


def test_stale_entries_are_dropped_past_the_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = code_cache.GeneratedCode(tmp_path)
    for n in range(30):
        cache.code(f"x = {n}", "exec")
    cache.save()
    monkeypatch.setattr(code_cache, "KEEP_AT_MOST", 10)
    later = code_cache.GeneratedCode(tmp_path)
    assert len(later.entries) == 30
    later.code("x = 1", "exec")
    later.code("y = 2", "exec")  # new: the file must be written again
    later.save()
    kept = code_cache.GeneratedCode(tmp_path).entries
    assert set(kept) == {("exec", "x = 1"), ("exec", "y = 2")}


def test_uninstall_gives_the_standard_library_its_builtins_back(tmp_path: Path) -> None:
    import collections
    import typing

    undo = code_cache.GeneratedCode(None).install()
    try:
        assert "exec" in vars(dataclasses) and "eval" in vars(collections) and "compile" in vars(typing)

        @dataclasses.dataclass(frozen=True)
        class Made:
            a: int

        assert Made(1) == Made(1)
    finally:
        undo()
    assert "exec" not in vars(dataclasses) and "eval" not in vars(collections)
    assert "compile" not in vars(typing)


def test_off_by_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARNET_CODE_CACHE", "0")
    assert code_cache.default_folder() is None
    monkeypatch.delenv("CARNET_CODE_CACHE")
    assert code_cache.default_folder() is not None


@pytest.mark.parametrize("xdg", [None, "", "/srv/cache-of-amina"])
def test_the_folder_is_the_one_platformdirs_gives(monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    """Found without importing platformdirs (its import would come before the cache), the same
    folder as the stylesheet cache's."""
    from platformdirs import user_cache_dir

    monkeypatch.delenv("CARNET_CODE_CACHE", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert code_cache.default_folder() == user_cache_dir("carnet-tui", appauthor=False)


def _launch(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home-cache"),
           "CARNET_CONFIG": str(tmp_path / "none.toml"), "CARNET_DATA_DIR": str(tmp_path / "data")}
    env.pop("CARNET_CODE_CACHE", None)
    return subprocess.run([sys.executable, "-m", "carnet_tui", "--db", str(tmp_path / "c.db"), *args],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=REPO)


def test_only_the_counters_launch_keeps_compiled_code(tmp_path: Path) -> None:
    kept = tmp_path / "home-cache" / "carnet-tui" / code_cache.FILE
    done = _launch(tmp_path, "init")
    assert done.returncode == 0, done.stderr
    assert not kept.exists()  # the manager's commands start as before
    refused = _launch(tmp_path)  # the counter without a terminal: refused, in French, after the cache's start
    assert refused.returncode == 2 and "terminal" in refused.stderr
    assert kept.exists()
    assert code_cache.GeneratedCode(kept.parent).entries  # what that start compiled, readable


PATTERNS = [(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})-(\d+)(?P<suffix>[A-Z]?)-(\d{3})", 0),
            (r"[\u0600-\u06ff]+|\s+", re.UNICODE), (rb"\x1b\[(\d+);(\d+)R", 0), (r"^(?:a|b)*?$", re.I | re.M),
            (r"(?x) \$ (?P<var>[a-z_][a-z0-9_-]*)  # a CSS variable", 0), (r"(a)(?(1)b|c)", 0)]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_pattern_from_the_cache_is_the_pattern_re_makes(tmp_path: Path, pattern: str | bytes,
                                                           flags: int) -> None:
    import _sre
    import re._compiler

    cache = code_cache.GeneratedCode(tmp_path)
    made = _sre.compile(pattern, *cache.regex(pattern, flags))
    cache.save()
    again = code_cache.GeneratedCode(tmp_path)
    kept = _sre.compile(pattern, *again.regex(pattern, flags))
    assert again.hits == 1 and again.compiled == 0
    assert made == kept == re._compiler.compile(pattern, flags)  # Pattern == compares flags and code
    assert kept.groupindex == re.compile(pattern, flags).groupindex


def test_every_pattern_of_a_counters_start_is_the_one_re_makes(tmp_path: Path) -> None:
    """The patterns Textual, rich and the counter compiled at a real start, as kept on disk."""
    import _sre
    import re._compiler

    folder = tmp_path / "cache"
    start_imports = ("from carnet_tui import code_cache; code_cache.start(); import carnet_tui.ui.app, "
                     "carnet_tui.ui.screens.sale, carnet_tui.services.people; code_cache.save()")
    env = {**os.environ, "XDG_CACHE_HOME": str(folder)}
    subprocess.run([sys.executable, "-c", start_imports], env=env, cwd=REPO, check=True)
    entries = code_cache.GeneratedCode(folder / "carnet-tui").entries
    patterns = [key for key in entries if key[0] == "re"]
    assert len(patterns) > 50
    for _, pattern, flags in patterns:
        assert _sre.compile(pattern, *entries[("re", pattern, flags)]) == re._compiler.compile(pattern, flags)


def test_after_the_starts_save_nothing_new_is_kept(tmp_path: Path) -> None:
    """A pattern or class made later in the day (a search, say) is neither held nor written."""
    cache = code_cache.GeneratedCode(tmp_path)
    cache.code("x = 1", "exec")
    cache.save()
    cache.recording = False  # what code_cache.save() does after the start's save
    assert cache.code("x = 1", "exec") is cache.entries[("exec", "x = 1")]  # still served
    exec(cache.code("typed = 'Amina Alaoui'", "exec"), {})  # still compiled and run
    cache.regex("Amina", 0)
    assert set(cache.entries) == {("exec", "x = 1")} and not cache.dirty


def test_a_file_through_a_link_or_in_a_folder_anyone_may_write_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    first = start(tmp_path, folder)
    real = folder / code_cache.FILE
    assert code_cache.read_own_file(real) is not None
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real.rename(elsewhere / code_cache.FILE)
    real.symlink_to(elsewhere / code_cache.FILE)
    assert code_cache.read_own_file(real) is None
    assert start(tmp_path, folder)["compiled"] == first["compiled"]  # compiled again, then written anew
    real.unlink(missing_ok=True)
    (elsewhere / code_cache.FILE).rename(real)
    folder.chmod(0o777)
    assert code_cache.read_own_file(real) is None
    folder.chmod(0o775)  # a per-user group's umask 002: still the user's folder
    assert code_cache.read_own_file(real) is not None

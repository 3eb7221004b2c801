"""The parsed stylesheets kept between starts (ui/css_cache.py): Textual's real Stylesheet, a real
cache file; what the cache answers is what Textual parses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet

from carnet_tui.ui import css_cache

CSS = (Path(css_cache.__file__).parent / "carnet.tcss").read_text(encoding="utf-8")


def _parsed(folder: Path, css: str = CSS, variables: dict[str, str] | None = None
            ) -> tuple[css_cache.ParsedCss, Stylesheet]:
    cache = css_cache.ParsedCss(folder)
    sheet = Stylesheet(variables=variables or {"primary": "ansi_blue"})
    cache.attach(sheet)
    sheet.add_source(css, read_from=("carnet.tcss", ""))
    sheet.parse()
    return cache, sheet


def _rules(sheet: Stylesheet) -> list[str]:
    return [f"{rule.selectors} {rule.styles.css_lines}" for rule in sheet.rules]


def test_a_second_start_takes_the_rules_from_the_cache(tmp_path: Path) -> None:
    first, parsed = _parsed(tmp_path)
    assert first.hits == 0 and first.dirty
    first.save()
    assert (tmp_path / css_cache.FILE).stat().st_mode & 0o777 == 0o600
    second, cached = _parsed(tmp_path)
    assert second.hits == 1 and not second.dirty
    assert _rules(cached) == _rules(parsed) and len(parsed.rules) > 50


def test_an_edited_stylesheet_or_other_variables_are_parsed_again(tmp_path: Path) -> None:
    first, _ = _parsed(tmp_path)
    first.save()
    edited, sheet = _parsed(tmp_path, CSS + "\n#x { height: 3; }\n")
    assert edited.hits == 0 and any("#x" in line for line in _rules(sheet))
    themed, _ = _parsed(tmp_path, variables={"primary": "ansi_red"})
    assert themed.hits == 0


def test_a_theme_changed_while_running_is_parsed_again(tmp_path: Path) -> None:
    """The variables' digest is kept between parses: a new set of them must still count."""
    first, sheet = _parsed(tmp_path)
    sheet.parse()  # the same variables: answered from memory
    assert first.hits == 1
    sheet.set_variables({"primary": "ansi_red"})
    sheet.parse()
    assert first.hits == 1 and len(first.entries) == 2
    sheet.set_variables({"primary": "ansi_blue"})
    sheet.parse()
    assert first.hits == 2
    sheet._variables["primary"] = "ansi_green"  # changed in place, same length: still seen
    sheet.parse()
    assert first.hits == 2 and len(first.entries) == 3


def test_only_the_entries_a_start_uses_are_unpickled(tmp_path: Path) -> None:
    _parsed(tmp_path)[0].save()
    _parsed(tmp_path, CSS + "\n#y { height: 2; }\n")[0].save()  # two sources kept on disk
    later, sheet = _parsed(tmp_path)
    assert later.hits == 1 and len(_rules(sheet)) > 50
    assert sum(isinstance(entry, bytes) for entry in later.entries.values()) == 1  # the other: untouched


@pytest.mark.parametrize("damage", ["garbage", "truncated", "group-writable"])
def test_a_damaged_or_shared_file_is_not_used(tmp_path: Path, damage: str) -> None:
    first, parsed = _parsed(tmp_path)
    first.save()
    path = tmp_path / css_cache.FILE
    if damage == "garbage":
        path.write_bytes(b"not a pickle at all")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:500])
    else:
        os.chmod(path, 0o620)  # another account of the group could have written it: never loaded
    again, sheet = _parsed(tmp_path)
    assert again.hits == 0 and _rules(sheet) == _rules(parsed)


def test_an_unwritable_folder_only_means_parsing_each_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    cache, _ = _parsed(blocked / "sub")
    cache.save()  # no exception: the next start parses again
    assert not (blocked / "sub").exists()


def test_off_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARNET_CSS_CACHE", "0")
    assert css_cache.default_folder() is None


def test_stale_entries_are_dropped_past_the_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(css_cache, "KEEP_AT_MOST", 2)
    for n in range(3):  # three versions of the stylesheet: the last one's entry is what is kept
        cache, _ = _parsed(tmp_path, CSS + f"\n#v{n} {{ height: 1; }}\n")
        cache.save()
    kept = css_cache.ParsedCss(tmp_path).entries
    assert len(kept) == 1
    again, _ = _parsed(tmp_path, CSS + "\n#v2 { height: 1; }\n")
    assert again.hits == 1

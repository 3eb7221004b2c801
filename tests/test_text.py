"""The one cleaning rule and cell widths (domain/text.py)."""

from carnet_tui.domain.text import cell_width, clean_text, fit_cells, pad_cells
from tests.support import HOSTILE_TEXTS


def test_controls_and_bidi_removed_joiners_kept() -> None:
    assert clean_text("A\x1b]0;PWNED\x07M") == "A]0;PWNEDM"
    assert clean_text("Evil\x1bp\x00\x19\x19Model") == "EvilpModel"
    assert clean_text("ami\x1bp\x01\x19\x19na\x1dVA") == "amipna VA"  # \x1d is whitespace to str.split
    assert clean_text("A\u202eB\u2066C\u200bD") == "ABCD"
    assert clean_text("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"
    assert clean_text("  Ali \t\n Ben \u2028 ") == "Ali Ben"
    assert clean_text("ligne 1\r\nligne\x1b 2", single_line=False) == "ligne 1\nligne 2"
    assert clean_text(None) == ""


def test_no_control_survives_any_hostile_text() -> None:
    for text in HOSTILE_TEXTS:
        cleaned = clean_text(text)
        assert all(ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0 for ch in cleaned), repr(text)
        assert "\u202e" not in cleaned


def test_widths_in_cells() -> None:
    assert cell_width("Élodie") == 6
    assert cell_width("北京") == 4
    assert fit_cells("北京市朝阳区", 5) == "北京."
    assert cell_width(fit_cells("北京市朝阳区", 5)) <= 5
    assert fit_cells("Karim", 9) == "Karim"
    assert fit_cells("Karim Benjelloun", 9) == "Karim Be."
    assert pad_cells("北", 4) == "北  "
    assert fit_cells("abc", 0) == ""


def test_every_text_key_is_defined_in_one_area_only() -> None:
    from importlib import import_module

    from carnet_tui import texts

    seen: dict[str, str] = {}
    areas = texts.areas("fr")
    assert {"fr_core", "fr_ui", "fr_print", "fr_day"} <= set(areas)
    for area in areas:
        for key in import_module(f"carnet_tui.texts.{area}").TEXTS:
            assert key not in seen, f"{key} in {seen.get(key)} and {area}"
            seen[key] = area

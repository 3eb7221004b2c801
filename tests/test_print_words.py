"""Amounts in French words (invoices): traditional spelling, dirhams and centimes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet_tui.printing.words import amount_words, number_words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zéro"),
        (1, "un"),
        (11, "onze"),
        (16, "seize"),
        (17, "dix-sept"),
        (20, "vingt"),
        (21, "vingt et un"),
        (22, "vingt-deux"),
        (31, "trente et un"),
        (61, "soixante et un"),
        (70, "soixante-dix"),
        (71, "soixante et onze"),
        (77, "soixante-dix-sept"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (90, "quatre-vingt-dix"),
        (91, "quatre-vingt-onze"),
        (99, "quatre-vingt-dix-neuf"),
        (100, "cent"),
        (101, "cent un"),
        (180, "cent quatre-vingts"),
        (200, "deux cents"),
        (201, "deux cent un"),
        (999, "neuf cent quatre-vingt-dix-neuf"),
        (1000, "mille"),
        (1001, "mille un"),
        (2000, "deux mille"),
        (5500, "cinq mille cinq cents"),
        (11000, "onze mille"),
        (80000, "quatre-vingt mille"),
        (200000, "deux cent mille"),
        (1_000_000, "un million"),
        (2_000_000, "deux millions"),
        (200_000_000, "deux cents millions"),
        (1_000_001, "un million un"),
        (1_000_000_000, "un milliard"),
        (3_080_000_000, "trois milliards quatre-vingts millions"),
    ],
)
def test_number_words(n, words):
    assert number_words(n) == words


@pytest.mark.parametrize(
    ("cents", "words"),
    [
        (1_100_000, "onze mille dirhams"),
        (550_000, "cinq mille cinq cents dirhams"),
        (100, "un dirham"),
        (0, "zéro dirham"),
        (1, "zéro dirham et un centime"),
        (150, "un dirham et cinquante centimes"),
        (8_071, "quatre-vingts dirhams et soixante et onze centimes"),
        (9_191, "quatre-vingt-onze dirhams et quatre-vingt-onze centimes"),
        (20_000, "deux cents dirhams"),
        (100_000_000, "un million de dirhams"),
        (200_000_000, "deux millions de dirhams"),
        (100_000_100, "un million un dirhams"),
        (916_667, "neuf mille cent soixante-six dirhams et soixante-sept centimes"),
    ],
)
def test_amount_words(cents, words):
    assert amount_words(cents) == words


def test_refuses_negative_and_huge():
    with pytest.raises(ValueError):
        number_words(-1)
    with pytest.raises(ValueError):
        number_words(10**15)


_UNIT_WORDS = {
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
    "treize", "quatorze", "quinze", "seize", "vingt", "vingts", "trente", "quarante", "cinquante",
    "soixante", "cent", "cents", "mille", "million", "millions", "milliard", "milliards", "et",
}


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_every_number_is_spelt_with_known_words_only(n):
    words = number_words(n)
    assert words == words.strip() and "  " not in words
    assert set(words.replace("-", " ").split()) <= _UNIT_WORDS
    assert ("zéro" in words) == (n == 0)

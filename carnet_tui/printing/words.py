"""Amounts in French words for invoices: 11000.00 → "onze mille dirhams".

Traditional spelling (the one accountants still use): "vingt et un", "soixante et onze",
"quatre-vingts" but "quatre-vingt-un", "deux cents" but "deux cent un", "mille" never takes an s,
"million" and "milliard" do, and "un million de dirhams" when nothing follows the million.
"""

from __future__ import annotations

_UNITS = (
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize"
).split()
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_20(n: int) -> str:
    return _UNITS[n] if n < 17 else "dix-" + _UNITS[n - 10]


def _below_100(n: int, final: bool) -> str:
    """``final``: nothing follows in the number, so "quatre-vingts" keeps its s."""
    if n < 20:
        return _below_20(n)
    if n < 70:
        tens, unit = divmod(n, 10)
        if unit == 0:
            return _TENS[tens]
        if unit == 1:
            return f"{_TENS[tens]} et un"
        return f"{_TENS[tens]}-{_UNITS[unit]}"
    if n < 80:
        return "soixante et onze" if n == 71 else "soixante-" + _below_20(n - 60)
    if n == 80:
        return "quatre-vingts" if final else "quatre-vingt"
    return "quatre-vingt-" + _below_20(n - 80)


def _below_1000(n: int, final: bool) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _below_100(rest, final)
    head = "cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent"
    if rest == 0:
        return head + ("s" if hundreds > 1 and final else "")
    return f"{head} {_below_100(rest, final)}"


def number_words(n: int) -> str:
    """A whole number 0 ≤ n < 10**15 in French words."""
    if n < 0:
        raise ValueError("negative amounts have no words here")
    if n >= 10**15:
        raise ValueError("number too large")
    if n == 0:
        return "zéro"
    parts: list[str] = []
    billions, rest = divmod(n, 10**9)
    millions, rest = divmod(rest, 10**6)
    thousands, units = divmod(rest, 1000)
    # before the nouns milliard/million a number is "final" (deux cents millions);
    # before the adjective mille it is not (deux cent mille)
    if billions:
        parts.append(f"{number_words(billions)} milliard" + ("s" if billions > 1 else ""))
    if millions:
        parts.append(f"{_below_1000(millions, True)} million" + ("s" if millions > 1 else ""))
    if thousands:
        parts.append("mille" if thousands == 1 else f"{_below_1000(thousands, False)} mille")
    if units:
        parts.append(_below_1000(units, True))
    return " ".join(parts)


def amount_words(cents: int, currency: str = "dirham", cents_name: str = "centime") -> str:
    """``1100000`` → "onze mille dirhams"; ``150`` → "un dirham et cinquante centimes"."""
    if cents < 0:
        raise ValueError("negative amounts have no words here")
    units, rest = divmod(cents, 100)
    words = number_words(units)
    # "un million de dirhams": a bare million/milliard is a noun and takes "de"
    of = " de" if units and units % 10**6 == 0 else ""
    text = f"{words}{of} {currency}" + ("s" if units > 1 else "")
    if rest:
        text += f" et {number_words(rest)} {cents_name}" + ("s" if rest > 1 else "")
    return text

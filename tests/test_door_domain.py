"""The signed QR of a billet (domain/door.py): round trip, forgeries, retired keys, plain numbers."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from carnet_tui.domain import door
from carnet_tui.domain.door import Reason, ScanKind

QR_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")

numbers = st.builds(
    lambda day, sale, suffix, seq: f"{day:%Y%m%d}-{sale}{suffix}-{seq:03d}",
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    st.integers(1, 10**7),
    st.sampled_from(["", "A", "B", "Z", "AA", "AB"]),
    st.integers(1, 1500),
)
secrets = st.binary(min_size=door.SECRET_BYTES, max_size=door.SECRET_BYTES)
letters = st.sampled_from(door.KEY_LETTERS)


@given(numbers, letters, secrets)
def test_round_trip(number, letter, secret):
    text = door.sign(number, letter, secret)
    assert set(text) <= QR_ALPHANUMERIC  # the QR's alphanumeric mode holds it all
    assert text.startswith(number + "." + letter)
    assert len(text) == len(number) + 2 + door.TAG_CHARS  # 13 base32 characters: 65 bits
    scan = door.parse(text)
    assert (scan.kind, scan.number, scan.letter) == (ScanKind.SIGNED, number, letter)
    assert door.verify(scan, {letter: secret})
    assert door.verify(door.parse(text.lower()), {letter: secret})  # a scanner set to lower case
    assert door.sign(number, letter, secret) == text  # a DUPLICATA carries the same QR: one entry


@given(numbers, letters, secrets, st.data())
def test_one_character_altered_is_refused(number, letter, secret, data):
    text = door.sign(number, letter, secret)
    at = data.draw(st.integers(0, len(text) - 1))
    replacement = data.draw(st.sampled_from(sorted(QR_ALPHANUMERIC - {text[at], " "})))
    altered = text[:at] + replacement + text[at + 1 :]
    assert not door.verify(door.parse(altered), {letter: secret})


@given(numbers, numbers, letters, secrets)
def test_another_billets_tag_is_refused(number, other, letter, secret):
    if number == other:
        return
    forged = number + door.sign(other, letter, secret)[len(other):]
    assert not door.verify(door.parse(forged), {letter: secret})


@given(numbers, secrets, secrets)
def test_retired_or_other_key_is_refused(number, secret, other_secret):
    text = door.sign(number, "A", secret)
    assert not door.verify(door.parse(text), {})  # A retired: not among the keys given
    assert not door.verify(door.parse(text), {"B": secret})  # the letter names the key
    if other_secret != secret:
        assert not door.verify(door.parse(text), {"A": other_secret})


def test_plain_numbers_and_garbage():
    assert door.parse("20191220-815A-007") == door.Scan(ScanKind.PLAIN, "20191220-815A-007")
    assert door.parse(" 20191220-815a-007\n").kind is ScanKind.PLAIN
    assert door.parse("hello").kind is ScanKind.GARBAGE
    assert door.parse("").kind is ScanKind.GARBAGE
    assert door.parse("9" * 500).kind is ScanKind.GARBAGE
    cut = door.parse("20191220-815A-007.")  # a number whose tag is gone: a signature refused
    assert cut.kind is ScanKind.SIGNED and not door.verify(cut, {"A": b"k" * 32})


def test_next_letter_never_gives_a_letter_again():
    assert door.next_letter(set()) == "A"
    assert door.next_letter({"A", "B"}) == "C"
    assert door.next_letter(set(door.KEY_LETTERS)) is None


def test_validity_inclusive_and_untagged_date():
    sold, last = date(2019, 12, 20), date(2020, 2, 17)
    assert door.validity(sold, sold, last) is None
    assert door.validity(last, sold, last) is None
    assert door.validity(date(2020, 2, 18), sold, last) is Reason.EXPIRED
    assert door.validity(date(2019, 12, 19), sold, last) is Reason.NOT_YET
    assert door.untagged_accepted(date(2020, 1, 1), date(2020, 1, 1))
    assert not door.untagged_accepted(date(2020, 1, 2), date(2020, 1, 1))
    assert not door.untagged_accepted(date(2020, 1, 1), None)

"""CIN, phone, e-mail and PIN normalisers accept what people type and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.validation import (
    InvalidCIN,
    InvalidEmail,
    InvalidPhone,
    InvalidPIN,
    ValidationError,
    mask_cin,
    mask_phone,
    normalize_cin,
    normalize_email,
    normalize_phone,
    normalize_pin,
)
from kiosk.i18n import translator

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
EXTENDED_ARABIC_INDIC = "۰۱۲۳۴۵۶۷۸۹"
FULL_WIDTH = "０１２３４５６７８９"
DIGIT_SCRIPTS = ("0123456789", ARABIC_INDIC, EXTENDED_ARABIC_INDIC, FULL_WIDTH)

letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2)
digit_strings = st.text(alphabet="0123456789", min_size=1, max_size=6)
separators = st.sampled_from(["", " ", "-", " - ", "\u00a0", "\u2013"])


def _in_script(digits: str, script: str) -> str:
    return "".join(script[int(d)] for d in digits)


@given(letters, digit_strings, st.sampled_from(DIGIT_SCRIPTS), separators, st.booleans())
def test_any_typed_form_of_a_cin_gives_the_canonical_one(
    prefix: str, digits: str, script: str, sep: str, lower: bool
) -> None:
    typed = (prefix.lower() if lower else prefix) + sep + _in_script(digits, script)
    assert normalize_cin(f"  {typed} ") == prefix + digits


@given(letters, digit_strings)
def test_full_width_letters_are_accepted(prefix: str, digits: str) -> None:
    wide = "".join(chr(ord(c) - ord("A") + ord("Ａ")) for c in prefix)
    assert normalize_cin(wide + digits) == prefix + digits


@given(st.text(max_size=12))
def test_normalised_cins_always_match_the_canonical_pattern(text: str) -> None:
    try:
        cin = normalize_cin(text)
    except InvalidCIN:
        return
    assert cin.isascii() and cin.isalnum() and cin == cin.upper()
    letters_part = cin.rstrip("0123456789")
    assert 1 <= len(letters_part) <= 2 and 1 <= len(cin) - len(letters_part) <= 6
    assert normalize_cin(cin) == cin


@pytest.mark.parametrize(
    "typed", ["", "123456", "ABC123", "AB1234567", "A", "AB 12 34 5x", "أب123", "AB-"]
)
def test_not_a_cin(typed: str) -> None:
    with pytest.raises(InvalidCIN):
        normalize_cin(typed)


@pytest.mark.parametrize("typed", ["AB1234567", "F1234567", "ab 123 4567", "Ｆ１２３４５６７"])
def test_a_seventh_digit_makes_no_cin(typed: str) -> None:
    # One rule with the reference server (docs/api.md, "CIN"): 1-2 letters, 1-6 digits.
    with pytest.raises(InvalidCIN):
        normalize_cin(typed)


mobile = st.tuples(st.sampled_from("67"), st.text(alphabet="0123456789", min_size=8, max_size=8))


@given(
    mobile,
    st.sampled_from(["0{}", "+212{}", "00212{}", "+212 0{}", "+212(0){}"]),
    st.sampled_from(DIGIT_SCRIPTS),
    separators,
)
def test_any_typed_form_of_a_mobile_number_gives_e164(
    parts: tuple[str, str], form: str, script: str, sep: str
) -> None:
    national = parts[0] + parts[1]
    spaced = sep.join([national[:1], national[1:3], national[3:5], national[5:7], national[7:]])
    typed = form.format(spaced)
    typed = "".join(script[int(c)] if c.isdigit() else c for c in typed)
    assert normalize_phone(typed) == "+212" + national


@given(st.text(max_size=20))
def test_normalised_phones_are_always_moroccan_mobiles(text: str) -> None:
    try:
        phone = normalize_phone(text)
    except InvalidPhone:
        return
    assert phone.startswith(("+2126", "+2127")) and len(phone) == 13 and phone[1:].isdigit()


@pytest.mark.parametrize(
    "typed", ["", "0536123456", "+33612345678", "06123", "061234567890", "6123456789", "06-12-AB"]
)
def test_not_a_mobile_number(typed: str) -> None:
    with pytest.raises(InvalidPhone):
        normalize_phone(typed)


def test_email_is_trimmed_and_its_domain_lowered() -> None:
    assert normalize_email("  Fatima.Z@Example.MA ") == "Fatima.Z@example.ma"
    for bad in ("", "fatima", "a@b", "a b@c.ma", "@x.ma"):
        with pytest.raises(InvalidEmail):
            normalize_email(bad)


@given(st.text(alphabet="0123456789", min_size=6, max_size=6), st.sampled_from(DIGIT_SCRIPTS))
def test_pin_in_any_digit_script(pin: str, script: str) -> None:
    assert normalize_pin(_in_script(pin, script), 6) == pin


@pytest.mark.parametrize("typed", ["12345", "1234567", "12a456", "", "１２３４５"])
def test_wrong_pins(typed: str) -> None:
    with pytest.raises(InvalidPIN):
        normalize_pin(typed, 6)


def test_errors_are_value_errors_with_translated_messages() -> None:
    for error in (InvalidCIN, InvalidPhone, InvalidEmail, InvalidPIN):
        assert issubclass(error, ValidationError) and issubclass(error, ValueError)
        arabic = translator("ar")(error.message_key)
        french = translator("fr")(error.message_key)
        assert arabic != error.message_key and any("\u0600" <= c <= "\u06ff" for c in arabic)
        assert french != error.message_key


def test_masks_keep_only_what_a_log_may_show() -> None:
    assert mask_cin("AB123456") == "AB****56"
    assert mask_cin("J12") == "J12"[:1] + "*" * 0 + "12"
    assert mask_phone("+212612345678") == "+2126******78"

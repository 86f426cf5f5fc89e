"""Identifiers are unique and valid by construction; every rendered notation
normalises back to the canonical value."""

from __future__ import annotations

import datetime as dt
import random
import re

from gen_reference import GENDERS, first3, mobile, mod11_ok, nhs_digits, parse_date
from hypothesis import given
from hypothesis import strategies as st

from leap_tools.generator import identifiers as ids
from leap_tools.generator import names
from leap_tools.generator.layout import FileLayout
from leap_tools.generator.places import load_postcodes, normalise_postcode
from leap_tools.generator.render import Renderer

N = 50_000


def test_nhs_numbers_are_valid_unique_and_never_junk():
    numbers = [ids.nhs_number_for(seq) for seq in range(1, N)]
    assert len(set(numbers)) == len(numbers)
    assert all(mod11_ok(n) and n[0] in "4567" for n in numbers)
    assert not set(numbers) & ids.JUNK_NHS_NUMBERS
    assert all(not mod11_ok(ids.mistyped_nhs_number(n, k)) for k, n in enumerate(numbers[:2000]))


def test_junk_nhs_numbers_pass_modulus_11_yet_never_link():
    for junk in ids.GENERATED_JUNK_NHS:
        assert mod11_ok(junk) and not ids.links_as_nhs(junk)
    assert ids.nhs_warning("0000000000") == "junk_nhs_number"
    assert ids.nhs_warning(ids.mistyped_nhs_number(ids.nhs_number_for(5), 0)) == "invalid_nhs_number"


def test_mobiles_are_unique_uk_mobiles_outside_the_drama_range():
    numbers = [ids.mobile_for(seq) for seq in range(1, N)]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"07[1-57-9]\d{8}", n) for n in numbers)
    assert not any(n.startswith("0770090") for n in numbers)
    assert "07000000000" not in numbers


def test_emails_are_unique_by_construction():
    rng = random.Random(3)
    emails = [ids.email_for(seq, rng.choice(names.WOMEN), rng.choice(names.SURNAMES),
                            rng.randrange(4), rng.choice(names.EMAIL_DOMAINS)) for seq in range(1, N)]
    assert len(set(emails)) == len(emails)
    assert not set(emails) & set(ids.PLACEHOLDER_EMAILS)
    assert all(e.isascii() and e == e.lower() for e in emails)


def test_name_key_examples():
    assert ids.name_key3("D'Andre") == ids.name_key3("Dante") == "dan"
    assert ids.name_key3("Zoë") == ids.name_key3("ZOE") == "zoe"
    assert ids.name_key3("Mary-Jane") == "mar"
    assert ids.name_key3("O'Neil") == "one"
    assert ids.name_key3("Bo") == "bo"
    for pairs in names.LOOKALIKE_TWINS.values():
        for a, b in pairs:
            assert ids.name_key3(a) == ids.name_key3(b)


def test_first_names_fit_windows_1252_and_lose_their_accents():
    for name in (*names.GIRLS, *names.BOYS, *names.NEUTRAL, *names.WOMEN, *names.MEN):
        name.encode("cp1252")
        assert ids.ascii_letters(name), name
    assert any(not _fits_1252(s) for s in names.SURNAMES)


def _fits_1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _renderer(seed: int, fmt: str = "csv") -> Renderer:
    kind = "xlsx" if fmt == "xlsx" else "csv-utf-8"
    return Renderer(random.Random(seed), FileLayout("CAN", ["provider_record_id"], ["x"], kind))


@given(st.integers(1, 10**6), st.integers(0, 2**32), st.sampled_from(["csv", "xlsx"]))
def test_rendered_identifiers_normalise_back(seq, seed, fmt):
    r = _renderer(seed, fmt)
    nhs, mob = ids.nhs_number_for(seq), ids.mobile_for(seq)
    assert nhs_digits(r.nhs(nhs)) == nhs
    assert mobile(r.mobile(mob)) == mob
    email = ids.email_for(seq, "Zoë", "O'Brien", seq, "gmail.com")
    assert r.email(email).strip().lower() == email
    day = dt.date(2024, 1, 1) + dt.timedelta(days=seq % 730)
    assert parse_date(r.date(day)) == day


@given(st.integers(0, 2**32), st.sampled_from(sorted(load_postcodes().ward_of)),
       st.sampled_from([*names.GIRLS, *names.BOYS, *names.NEUTRAL]),
       st.sampled_from(["female", "male", "other", "unknown"]))
def test_rendered_text_values_normalise_back(seed, pcd, first, gender):
    r = _renderer(seed)
    assert normalise_postcode(r.postcode(pcd)) == pcd
    assert first3(r.first_name(first)) == ids.name_key3(first)
    assert GENDERS[r.gender(gender).lower()] == gender

"""Match keys: the shared vectors, and the errors each key tolerates."""

import json
from datetime import date

from leap_contracts.pseudonymisation import Tokeniser, make_vectors, normalise_date_of_birth
from leap_contracts.pseudonymisation.match_keys import MATCH_KEYS, MatchKeyMaker, dob_unordered, name_letters, soundex
from leap_contracts.pseudonymisation.reference import reference_match_keys, reference_name_soundex

VECTORS = json.loads(make_vectors.VECTORS.read_text(encoding="utf-8"))
KEY = bytes.fromhex(VECTORS["test_key"]["hex"])


def test_library_passes_every_match_key_vector():
    cases = [c for c in VECTORS["cases"] if c["kind"] in ("name_soundex", "dob_unordered", "match_keys")]
    assert len(cases) >= 50
    for case in cases:
        value = case["input"]
        if case["kind"] == "name_soundex":
            assert reference_name_soundex(value) == case.get("output"), case
        elif case["kind"] == "dob_unordered":
            assert dob_unordered(normalise_date_of_birth(value)) == case["output"], case
        else:
            got = reference_match_keys(KEY, value["beneficiary_type"], value["first_name"], value["date_of_birth"],
                                       value["carer_email"], value["carer_mobile"], value["postcode"])
            assert got == case["tokens"], case


def test_soundex_is_american_soundex():
    known = {"Robert": "R163", "Rupert": "R163", "Rubin": "R150", "Ashcraft": "A261", "Tymczak": "T522",
             "Pfister": "P236", "Honeyman": "H555", "Lee": "L000"}
    assert {name: soundex(name_letters(name)) for name in known} == known
    assert soundex("") is None and soundex("øæ") is None


def test_each_error_leaves_a_key_in_agreement():
    make = MatchKeyMaker(Tokeniser(KEY, "t")).make
    base = make("child", "Olivia", date(2022, 3, 11), "mum@family.org.uk", "07700900123", "SW9 7AB")
    typo = make("child", "Oilvia", date(2022, 3, 11), "mum@family.org.uk", None)
    swap = make("child", "Olivia", date(2022, 11, 3), "mum@family.org.uk", None)
    moved = make("child", "Olivia", date(2022, 3, 11), "mum.old@family.org.uk", "07700900123")
    nickname = make("child", "Liv", date(2022, 3, 11), "mum@family.org.uk", None)
    assert base["mk_name_dob"] == typo["mk_name_dob"] and base["mk_carer_email_dob"] == typo["mk_carer_email_dob"]
    assert base["mk_prefix_dob_swap"] == swap["mk_prefix_dob_swap"]
    assert base["mk_carer_email_name"] == swap["mk_carer_email_name"]
    assert base["mk_name_dob"] == moved["mk_name_dob"] and base["mk_carer_mobile_dob"] == moved["mk_carer_mobile_dob"]
    assert base["mk_carer_email_dob"] == nickname["mk_carer_email_dob"]
    assert len({base[k] for k in MATCH_KEYS}) == len(MATCH_KEYS)  # labels keep the keys apart


def test_adults_have_no_carer_keys_and_missing_parts_give_none():
    make = MatchKeyMaker(Tokeniser(KEY, "t")).make
    adult = make("adult", "Mohammed", date(1990, 6, 7), "mum@family.org.uk", "07700900123")
    assert adult["mk_name_dob"] and adult["mk_carer_email_dob"] is None and adult["mk_carer_mobile_dob"] is None
    assert make("child", None, None, None, None) == dict.fromkeys(MATCH_KEYS)
    assert (make("adult", "Mohammed", date(1990, 6, 7))["mk_name_dob"]
            == make("adult", "Muhammad", date(1990, 6, 7))["mk_name_dob"])


def test_postcode_and_full_name_keys_tolerate_what_the_others_cannot():
    make = MatchKeyMaker(Tokeniser(KEY, "t")).make
    base = make("child", "Olivia", date(2022, 3, 11), "mum@family.org.uk", None, "SW9 7AB")
    nickname_no_carer = make("child", "Liv", date(2022, 11, 3), None, None, "sw97ab")
    assert base["mk_dob_postcode"] == nickname_no_carer["mk_dob_postcode"]  # any name, a swap, no carer
    assert base["mk_name_dob"] != nickname_no_carer["mk_name_dob"]
    no_date = make("adult", "Olivia", None, None, None, " SW9 7AB ")
    assert no_date["mk_name_postcode"] == make("adult", "Oilvia", date(1990, 1, 2), None, None, "SW97AB")["mk_name_postcode"]
    assert no_date["mk_dob_postcode"] is None and no_date["mk_full_name_dob"] is None
    look_alike = make("child", "Oliviah", date(2022, 3, 11), "mum@family.org.uk", None, "SW9 7AB")
    assert base["mk_name_dob"] == look_alike["mk_name_dob"] and base["mk_full_name_dob"] != look_alike["mk_full_name_dob"]
    assert make("child", "Olivia", date(2022, 3, 11), None, None, "not a postcode")["mk_dob_postcode"] is None

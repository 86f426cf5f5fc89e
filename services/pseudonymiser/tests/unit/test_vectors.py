"""The reference library passes every shared vector, and the committed vectors are what the code produces."""

import json
from datetime import date

from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser, key_check_value, make_vectors
from leap_contracts.pseudonymisation.reference import reference_answer

VECTORS = json.loads(make_vectors.VECTORS.read_text(encoding="utf-8"))
KEY = bytes.fromhex(VECTORS["test_key"]["hex"])


def test_committed_vectors_match_the_reference_code():
    assert VECTORS == json.loads(json.dumps(make_vectors.build(), ensure_ascii=False))


def test_there_are_hundreds_covering_every_kind():
    kinds = {c["kind"] for c in VECTORS["cases"]}
    assert len(VECTORS["cases"]) >= 400
    assert kinds == {"nhs_number", "email", "mobile", "postcode", "gender", "first_name_prefix", "date_of_birth",
                     "child_key", "provider_record_id", "name_soundex", "dob_unordered", "match_keys"}
    findings = {c.get("finding") for c in VECTORS["cases"]}
    assert {"nhs_number_invalid", "nhs_number_placeholder", "email_placeholder", "mobile_not_mobile",
            "mobile_placeholder", "child_key_incomplete", "first_name_empty", "date_of_birth_invalid"} <= findings


def test_test_key_is_marked_and_its_check_value_matches():
    assert "TEST-ONLY" in VECTORS["test_key"]["WARNING"]
    assert key_check_value(KEY) == VECTORS["test_key"]["key_check_value"]


def test_library_passes_every_vector():
    for case in VECTORS["cases"]:
        kind, value = case["kind"], case["input"]
        if kind in ("name_soundex", "dob_unordered", "match_keys"):
            continue  # contracts/tests/unit/test_match_keys.py
        if kind == "child_key":
            args = (value["carer_email"], value["date_of_birth"], value["gender"], value["first_name"])
            assert reference_answer(KEY, kind, args) == case.get("token"), case
        elif kind == "provider_record_id":
            assert Tokeniser(KEY, "t").provider_record_id(value["service_code"], value["provider_record_id"]) == case["token"]
        else:
            assert reference_answer(KEY, kind, value) == case.get("token", case.get("output")), case


def test_row_identifier_gives_the_vectors_tokens():
    """The memoised path the service and the tool use gives the same tokens as the vectors."""
    identifier = RowIdentifier(Tokeniser(KEY, "t"))
    for case in VECTORS["cases"]:
        if case["kind"] == "child_key" and "token" in case:
            c = case["canonical"]
            found = identifier.identify(beneficiary_type="child", service_code="S", provider_record_id="1",
                                        first_name=case["input"]["first_name"], carer_email=case["input"]["carer_email"],
                                        date_of_birth=date.fromisoformat(c["date_of_birth"]), gender=c["gender"])
            assert found.current.tokens["child_key"] == case["token"]
        if case["kind"] in ("email", "mobile"):
            found = identifier.identify(beneficiary_type="adult", service_code="S", provider_record_id="1",
                                        **{case["kind"]: case["input"]})
            assert found.current.tokens[case["kind"]] == case.get("token")

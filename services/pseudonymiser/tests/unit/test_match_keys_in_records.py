"""With match keys on (``PSEUDONYMISER_MATCH_KEYS``, for tolerant linkage) every pseudonymised record carries
them (spec §3a), the reference library's, under the current key; the chunk path gives the same (its property
test compares whole records). Off, records carry none and are otherwise the same."""

from datetime import date

from leap_contracts.events import ValidatedRecord
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser
from leap_contracts.pseudonymisation.reference import reference_match_keys
from leap_pseudonymiser.domain.pseudonymise import pseudonymise
from leap_pseudonymiser.domain.pseudonymise_chunk import pseudonymise_chunk
from leap_pseudonymiser.domain.token_memos import TokenMemos

KEY = bytes(range(32))
CURRENT, PREVIOUS = Tokeniser(KEY, "k2"), Tokeniser(bytes(range(1, 33)), "k1")


def _child(**changes) -> ValidatedRecord:
    values = {"row_number": 2, "provider_record_id": "C1", "beneficiary_type": "child", "first_name": "Oilvia",
              "date_of_birth": date(2022, 11, 3), "gender": "female", "primary_carer_email": " Mum@Family.org.uk ",
              "primary_carer_mobile": "07700 900123", "postcode": "sw9 7ab", "engagement_date": date(2024, 5, 1)}
    return ValidatedRecord(**{**values, **changes})


def test_a_record_carries_the_reference_match_keys_under_the_current_key():
    record = pseudonymise(_child(), "DL", RowIdentifier(CURRENT, [PREVIOUS]), {})
    want = reference_match_keys(KEY, "child", "Oilvia", "2022-11-03", " Mum@Family.org.uk ", "07700 900123", "sw9 7ab")
    assert record.match_keys.model_dump() == want
    assert all(want.values())


def test_the_chunk_path_gives_the_same_match_keys():
    records = [_child(), _child(first_name="Olivia", primary_carer_email=None),
               ValidatedRecord(row_number=3, provider_record_id="A1", beneficiary_type="adult",
                               engagement_date=date(2024, 5, 1))]
    memos = TokenMemos(CURRENT, [PREVIOUS])
    fast = pseudonymise_chunk(records, "DL", memos, RowIdentifier(CURRENT, [PREVIOUS]), {})
    reference = [pseudonymise(r, "DL", RowIdentifier(CURRENT, [PREVIOUS]), {}).model_dump(mode="json") for r in records]
    assert [r["match_keys"] for r in fast] == [r["match_keys"] for r in reference]
    assert fast[2]["match_keys"] == dict.fromkeys(fast[2]["match_keys"])  # an adult without name or date: none


def test_during_a_rotation_the_previous_keys_match_keys_travel_with_the_linking_tokens():
    record = pseudonymise(_child(), "DL", RowIdentifier(CURRENT, [PREVIOUS]), {})
    (linking,) = record.linking_tokens
    want = reference_match_keys(bytes(range(1, 33)), "child", "Oilvia", "2022-11-03", " Mum@Family.org.uk ",
                                "07700 900123", "sw9 7ab")
    assert linking.key_id == "k1" and linking.match_keys.model_dump() == want
    assert want != record.match_keys.model_dump()
    fast = pseudonymise_chunk([_child()], "DL", TokenMemos(CURRENT, [PREVIOUS]), RowIdentifier(CURRENT, [PREVIOUS]), {})
    assert fast[0]["linking_tokens"][0]["match_keys"] == want


def test_with_match_keys_off_records_carry_none_and_are_otherwise_the_same():
    identifier = RowIdentifier(CURRENT, [PREVIOUS])
    on = pseudonymise_chunk([_child()], "DL", TokenMemos(CURRENT, [PREVIOUS]), identifier, {})[0]
    off = pseudonymise_chunk([_child()], "DL", TokenMemos(CURRENT, [PREVIOUS], match_keys=False), identifier, {})[0]
    assert off["match_keys"] is None and off["linking_tokens"][0]["match_keys"] is None
    assert off == {**on, "match_keys": None, "linking_tokens": [{**on["linking_tokens"][0], "match_keys": None}]}
    assert pseudonymise(_child(), "DL", identifier, {}, match_keys=False).model_dump(mode="json") == off

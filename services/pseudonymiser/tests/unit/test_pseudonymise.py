from datetime import date

from leap_contracts.events import ValidatedRecord
from leap_contracts.pseudonymisation import Tokeniser
from leap_pseudonymiser.domain.pseudonymise import pseudonymise

TOKENISER = Tokeniser(bytes(range(32)), "test-1")
WARDS = {"SW9 7AB": ("E05000425", "Stockwell")}


def child(**overrides):
    values = dict(row_number=2, provider_record_id="C1", beneficiary_type="child", first_name="Zoë",
                  date_of_birth=date(2022, 3, 2), gender="female", primary_carer_email=" Mum@Family.org.uk ",
                  primary_carer_mobile="07700 900123", postcode="sw97ab", nhs_number="943 476 5919",
                  engagement_date=date(2024, 5, 1))
    values.update(overrides)
    return ValidatedRecord(**values)


def test_child_gets_child_key_and_carer_tokens_but_no_own_email():
    out = pseudonymise(child(), "CAN", TOKENISER, WARDS)
    assert out.tokens.child_key == TOKENISER.child_key("mum@family.org.uk", date(2022, 3, 2), "female", "zoe")
    assert out.tokens.nhs_number == TOKENISER.nhs_number("9434765919")
    assert out.tokens.email is None and out.tokens.mobile is None
    assert out.carer_tokens.email == TOKENISER.email("mum@family.org.uk")
    assert out.carer_tokens.mobile == TOKENISER.mobile("+447700900123")
    assert (out.birth_month, out.ward_code, out.ward_name, out.postcode_district) == ("2022-03", "E05000425", "Stockwell", "SW9")
    assert out.findings == []


def test_no_clear_identifier_survives():
    text = pseudonymise(child(), "CAN", TOKENISER, WARDS).model_dump_json().lower()
    for clear in ("zo", "mum@family.org.uk", "7700", "9434765919", "sw9 7ab", "2022-03-02"):
        assert clear not in text.replace('"birth_month":"2022-03"', "")


def test_junk_yields_no_token_and_a_finding():
    out = pseudonymise(child(nhs_number="0000000000", primary_carer_email="none@none.com"), "CAN", TOKENISER, WARDS)
    assert out.tokens.nhs_number is None and out.tokens.child_key is None
    assert {"nhs_number_placeholder", "email_placeholder", "child_key_incomplete"} <= set(out.findings)


def test_adult_identifiers_and_provider_record_scope():
    adult = child(beneficiary_type="adult", email="Anna@Home.net", mobile="+44 7700 900124", first_name=None)
    out = pseudonymise(adult, "CAN", TOKENISER, WARDS)
    assert out.tokens.email == TOKENISER.email("anna@home.net") and out.tokens.child_key is None
    assert out.carer_tokens.email is None
    assert out.tokens.provider_record_id != pseudonymise(adult, "DL", TOKENISER, WARDS).tokens.provider_record_id

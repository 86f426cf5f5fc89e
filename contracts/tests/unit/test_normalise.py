import pytest

from leap_contracts.pseudonymisation.normalise import (
    NormalisationFinding,
    name_prefix,
    normalise_email,
    normalise_gender,
    normalise_mobile,
    normalise_nhs_number,
    normalise_postcode,
)


@pytest.mark.parametrize("value", ["943 476 5919", "943-476-5919", "9434765919", " 9434765919 "])
def test_nhs_number_notations(value):
    assert normalise_nhs_number(value) == "9434765919"


@pytest.mark.parametrize(
    ("value", "code"),
    [("9434765918", "nhs_number_invalid"), ("0000000000", "nhs_number_placeholder"),
     ("943476591", "nhs_number_malformed"), ("94347659A9", "nhs_number_malformed")],
)
def test_nhs_number_findings(value, code):
    with pytest.raises(NormalisationFinding) as caught:
        normalise_nhs_number(value)
    assert caught.value.code == code
    assert value.strip() not in str(caught.value)


@pytest.mark.parametrize("value", ["07700 900123", "+44 7700 900123", "447700900123", "(07700) 900-123", "00447700900123"])
def test_mobile_notations(value):
    assert normalise_mobile(value) == "+447700900123"


@pytest.mark.parametrize(("value", "code"), [("07000000000", "mobile_placeholder"), ("020 7946 0000", "mobile_not_mobile"),
                                             ("12345", "mobile_malformed")])
def test_mobile_findings(value, code):
    with pytest.raises(NormalisationFinding) as caught:
        normalise_mobile(value)
    assert caught.value.code == code


def test_email_trim_and_case():
    assert normalise_email("  Jane.Doe@Example.CO.UK ") == "jane.doe@example.co.uk"


@pytest.mark.parametrize("value", ["noemail@nhs.net", "none@none.com", "NO@email.com"])
def test_email_placeholders(value):
    with pytest.raises(NormalisationFinding) as caught:
        normalise_email(value)
    assert caught.value.code == "email_placeholder"


@pytest.mark.parametrize(("name", "prefix"), [("Zoë", "zoe"), ("D'Andre", "dan"), ("Mary-Jane", "mar"), ("  o'neil", "one"),
                                              ("Al", "al"), ("ÉMILE", "emi")])
def test_name_prefix(name, prefix):
    assert name_prefix(name) == prefix


@pytest.mark.parametrize(("value", "gender"), [("F", "female"), ("female", "female"), (" m ", "male"), ("O", "other"),
                                               ("Unknown", "unknown")])
def test_gender(value, gender):
    assert normalise_gender(value) == gender


@pytest.mark.parametrize("value", ["sw97ab", "SW9 7AB", " sw9  7ab "])
def test_postcode(value):
    assert normalise_postcode(value) == "SW9 7AB"

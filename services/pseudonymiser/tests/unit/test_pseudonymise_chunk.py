"""The chunk path writes exactly what the per-record models wrote: same dicts, same envelope bytes."""

import uuid
from datetime import date

import msgspec
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from leap_contracts.envelope import encode, seal, sealed
from leap_contracts.events import RecordsPseudonymisedV1, RecordsValidatedV1, ValidatedRecord
from leap_contracts.plain import plain_type
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser
from leap_pseudonymiser.domain.pseudonymise import pseudonymise
from leap_pseudonymiser.domain.pseudonymise_chunk import pseudonymise_chunk
from leap_pseudonymiser.domain.token_memos import TokenMemos

CURRENT = Tokeniser(bytes(range(32)), "k2")
PREVIOUS = Tokeniser(bytes(range(1, 33)), "k1")
WARDS = {"SW9 7AB": ("E05000425", "Stockwell"), "SE5 0NY": ("E05000537", None)}

text = st.one_of(st.none(), st.sampled_from(["", " ", "x"]), st.text(max_size=8))
emails = st.one_of(text, st.sampled_from(["Mum@Family.org.uk", " a@b.uk ", "none@none.com", "a@b", "x@y.com"]))
mobiles = st.one_of(text, st.sampled_from(["07700 900123", "+447700900123", "07000000000", "0207 946 0000"]))
nhs = st.one_of(text, st.sampled_from(["943 476 5919", "9434765919", "0000000000", "943 476 5918"]))
postcodes = st.one_of(text, st.sampled_from(["sw97ab", "SW9 7AB", "se5 0ny", "N1 1AA", "XX"]))
names = st.one_of(text, st.sampled_from(["Zoë", "O'Neil", "'", "amy-jo"]))
dates = st.one_of(st.none(), st.dates(min_value=date(1000, 1, 1)), st.sampled_from([date(2022, 3, 2), date(2019, 12, 31)]))

records = st.builds(
    ValidatedRecord, row_number=st.integers(min_value=1, max_value=10**6),
    provider_record_id=st.sampled_from(["C1", "C2", "Zoë-1", "x" * 64]),
    beneficiary_type=st.sampled_from(["child", "adult"]), nhs_number=nhs, first_name=names,
    date_of_birth=dates, gender=st.one_of(st.none(), st.sampled_from(["female", "male", "other", "unknown"])),
    email=emails, mobile=mobiles, primary_carer_email=emails, primary_carer_mobile=mobiles, postcode=postcodes,
    ethnicity=text, first_language=text, engagement_date=st.dates(), engagement_type=text, attended=st.booleans())


def reference(chunk, service_code, identifier):
    return [pseudonymise(r, service_code, identifier, WARDS).model_dump(mode="json") for r in chunk]


@settings(max_examples=300, deadline=None)
@given(st.lists(records, max_size=12), st.booleans())
def test_same_records_as_the_models(chunk, rotating):
    previous = [PREVIOUS] if rotating else []
    expected = reference(chunk, "CAN", RowIdentifier(CURRENT, previous))
    memos, identifier = TokenMemos(CURRENT, previous), RowIdentifier(CURRENT, previous)
    assert pseudonymise_chunk(chunk, "CAN", memos, identifier, WARDS) == expected
    plain = [msgspec.convert(r.model_dump(), plain_type(ValidatedRecord)) for r in chunk]
    assert pseudonymise_chunk(plain, "CAN", memos, identifier, WARDS) == expected  # memos warm now
    small = TokenMemos(CURRENT, previous, limit=2)  # emptied again and again
    assert pseudonymise_chunk(plain, "CAN", small, identifier, WARDS) == expected


def test_same_envelope_bytes_as_seal_then_encode():
    chunk = [ValidatedRecord(row_number=2, provider_record_id="C1", beneficiary_type="child", first_name="Zoë",
                             date_of_birth=date(2022, 3, 2), gender="female", primary_carer_email="mum@family.org.uk",
                             postcode="sw97ab", engagement_date=date(2024, 5, 1))]
    event = RecordsValidatedV1(upload_id=uuid.uuid4(), provider_id="p", service_code="CAN", chunk_index=3,
                               records=chunk)
    identifier = RowIdentifier(CURRENT, [PREVIOUS])
    model = RecordsPseudonymisedV1(
        upload_id=event.upload_id, provider_id="p", service_code="CAN", chunk_index=3, spec_version="1", key_id="k2",
        records=[pseudonymise(r, "CAN", identifier, WARDS) for r in chunk])
    records = pseudonymise_chunk(chunk, "CAN", TokenMemos(CURRENT, [PREVIOUS]), identifier, WARDS)
    payload = {"upload_id": str(event.upload_id), "provider_id": "p", "service_code": "CAN", "chunk_index": 3,
               "spec_version": "1", "key_id": "k2", "records": records, "dataset": "services"}
    old = encode(seal(model, producer="pseudonymiser", correlation_id="c"))
    new = sealed(RecordsPseudonymisedV1, payload, producer="pseudonymiser", correlation_id="c")
    strip = ("event_id", "occurred_at")
    assert {k: v for k, v in orjson.loads(old).items() if k not in strip} == \
           {k: v for k, v in orjson.loads(new).items() if k not in strip}
    assert old[old.index(b'"producer"'):] == new[new.index(b'"producer"'):]
    RecordsPseudonymisedV1.model_validate(orjson.loads(new)["payload"])  # the model accepts what was written


def test_a_birth_year_the_model_refuses_fails_as_before():
    odd = ValidatedRecord(row_number=2, provider_record_id="C1", beneficiary_type="adult",
                          date_of_birth=date(999, 1, 1), engagement_date=date(2024, 5, 1))
    identifier = RowIdentifier(CURRENT)
    try:
        reference([odd], "CAN", identifier)
    except ValueError as expected:
        try:
            pseudonymise_chunk([odd], "CAN", TokenMemos(CURRENT), identifier, WARDS)
        except ValueError as got:
            assert str(got) == str(expected)
        else:
            raise AssertionError("the chunk path wrote a record the model refuses")
    else:
        assert pseudonymise_chunk([odd], "CAN", TokenMemos(CURRENT), identifier, WARDS) == reference([odd], "CAN", identifier)

"""Key rotation: records made before and after a rotation still link, and at-source files are checked by key."""

import uuid
from datetime import date

import pytest

from leap_contracts.events import (
    AtSourceRejectedV1,
    IdentifierTokens,
    PseudonymisedRecord,
    RecordsPseudonymisedAtSourceV1,
    RecordsPseudonymisedV1,
    ValidatedRecord,
)
from leap_contracts.pseudonymisation import RowIdentifier, SPEC_VERSION, Tokeniser, parse_previous_keys
from leap_pseudonymiser.domain.at_source import check_at_source
from leap_pseudonymiser.domain.pseudonymise import pseudonymise

OLD, NEW = Tokeniser(b"o" * 32, "2025-1"), Tokeniser(b"n" * 32, "2026-1")


def adult(row, email, mobile=None):
    return ValidatedRecord(row_number=row, provider_record_id=f"P{row}", beneficiary_type="adult", email=email,
                           mobile=mobile, engagement_date=date(2025, 1, 1))


def components(records: list[PseudonymisedRecord]) -> list[set[int]]:
    """What any token-linking matcher computes: records sharing a token (current or linking) are one person."""
    parent = list(range(len(records)))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for i, r in enumerate(records):
        tokens = [r.tokens, *(k.tokens for k in r.linking_tokens)]
        for t in tokens:
            for token in (t.email, t.mobile, t.nhs_number, t.child_key):
                if token:
                    if token in seen:
                        parent[find(i)] = find(seen[token])
                    seen[token] = i
    groups: dict[int, set[int]] = {}
    for i in range(len(records)):
        groups.setdefault(find(i), set()).add(i)
    return sorted(groups.values(), key=min)


def test_records_before_and_after_a_rotation_link():
    before = pseudonymise(adult(2, "anna@home.net"), "DL", RowIdentifier(OLD), {})
    during = RowIdentifier(NEW, [OLD])
    after_same = pseudonymise(adult(3, "ANNA@home.net", "07700 900124"), "DL", during, {})
    after_other = pseudonymise(adult(4, "bob@home.net"), "DL", during, {})
    later_by_mobile = pseudonymise(adult(5, None, "+44 7700 900124"), "DL", during, {})
    assert after_same.tokens.email != before.tokens.email  # the new key makes new tokens...
    assert after_same.linking_tokens[0].key_id == "2025-1"
    assert after_same.linking_tokens[0].tokens.email == before.tokens.email  # ...and links to the old ones
    assert components([before, after_same, after_other, later_by_mobile]) == [{0, 1, 3}, {2}]


def test_without_previous_keys_there_are_no_linking_tokens():
    assert pseudonymise(adult(2, "anna@home.net"), "DL", RowIdentifier(NEW), {}).linking_tokens == []


def test_previous_keys_come_from_configuration():
    keys = parse_previous_keys(f"2025-1:{(b'o' * 32).hex()}, 2024-1:{(b'p' * 32).hex()}")
    assert [k.key_id for k in keys] == ["2025-1", "2024-1"] and keys[0].key_check_value == OLD.key_check_value
    with pytest.raises(ValueError, match="key_id:hex") as error:
        parse_previous_keys("6f6f6f")
    with pytest.raises(ValueError, match="at least 32 bytes"):
        parse_previous_keys("k:abcd")
    assert "6f6f" not in str(error.value)


def at_source(tokeniser, *, spec=SPEC_VERSION, key_id=None, kcv=None):
    record = PseudonymisedRecord(row_number=2, beneficiary_type="adult", engagement_date=date(2025, 1, 1),
                                 tokens=IdentifierTokens(email=tokeniser.email("anna@home.net"),
                                                         provider_record_id=tokeniser.provider_record_id("DL", "1")))
    return RecordsPseudonymisedAtSourceV1(upload_id=uuid.uuid4(), provider_id="p", service_code="DL", chunk_index=0,
                                          spec_version=spec, key_id=key_id or tokeniser.key_id,
                                          key_check_value=kcv or tokeniser.key_check_value, records=[record])


def test_at_source_chunks_are_forwarded_when_key_and_spec_match():
    held = {t.key_id: t.key_check_value for t in (NEW, OLD)}
    for tokeniser in (NEW, OLD):  # during a rotation files made with the previous key are still accepted
        result = check_at_source(at_source(tokeniser), held)
        assert isinstance(result, RecordsPseudonymisedV1) and result.key_id == tokeniser.key_id


@pytest.mark.parametrize("change, code", [
    (dict(spec="2"), "unsupported_spec_version"),
    (dict(key_id="someone-else"), "unknown_key_id"),
    (dict(kcv="0123456789ab"), "key_check_value_mismatch"),
])
def test_at_source_chunks_are_refused_with_a_clear_reason(change, code):
    result = check_at_source(at_source(NEW, **change), {NEW.key_id: NEW.key_check_value})
    assert isinstance(result, AtSourceRejectedV1) and result.code == code
    assert "key" in result.reason or "spec" in result.reason


def test_after_the_rotation_ends_files_with_the_old_key_are_refused():
    result = check_at_source(at_source(OLD), {NEW.key_id: NEW.key_check_value})
    assert isinstance(result, AtSourceRejectedV1) and result.code == "unknown_key_id"

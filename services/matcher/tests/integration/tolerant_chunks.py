"""Pseudonymised chunks about one child for tolerant linkage's tests: two providers' records joined only by a
fuzzy link (a mistyped first name), and a third with another carer (a grey-band pair)."""

from __future__ import annotations

import uuid
from datetime import date

from leap_contracts.events import (
    CarerTokens,
    IdentifierTokens,
    MatchKeyTokens,
    PseudonymisedRecord,
    RecordsPseudonymisedV1,
)
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser
from leap_contracts.pseudonymisation.match_keys import MatchKeyMaker

TOKENISER = Tokeniser(bytes(range(32)), "k1")
IDENTIFIER, KEYS = RowIdentifier(TOKENISER), MatchKeyMaker(TOKENISER)
UPLOADS = [uuid.UUID(int=i) for i in range(1, 4)]


def _child(row: int, service: str, prid: str, first: str, dob: date, carer: str | None, ward="E1") -> PseudonymisedRecord:
    found = IDENTIFIER.identify(beneficiary_type="child", service_code=service, provider_record_id=prid,
                                first_name=first, date_of_birth=dob, gender="female", carer_email=carer)
    return PseudonymisedRecord(
        row_number=row, beneficiary_type="child", tokens=IdentifierTokens(**found.current.tokens),
        carer_tokens=CarerTokens(**found.current.carer_tokens), birth_month=dob.strftime("%Y-%m"), gender="female",
        ward_code=ward, engagement_date=date(2024, 5, 1),
        match_keys=MatchKeyTokens(**KEYS.make("child", first, dob, carer, None)))


def _chunk(upload: uuid.UUID, service: str, records: list[PseudonymisedRecord]) -> RecordsPseudonymisedV1:
    return RecordsPseudonymisedV1(upload_id=upload, provider_id="p", service_code=service, chunk_index=0,
                                  spec_version="1", key_id="k1", records=records)


DOB = date(2022, 3, 11)
CHUNKS = [
    _chunk(UPLOADS[0], "DL", [_child(2, "DL", "1", "Olivia", DOB, "mum@home.net")]),
    _chunk(UPLOADS[1], "OHP", [_child(2, "OHP", "9", "Oilvia", DOB, "mum@home.net")]),  # a typo: no child key shared
    _chunk(UPLOADS[2], "NT", [_child(5, "NT", "x", "Olivia", DOB, "dad@home.net")]),    # another carer: grey band
]

"""A chunk's records read in one pass, before any database work (pure): each record's tokens (and, during a
key rotation, the same identifiers' tokens under the previous keys), their types, per-token statistics, the
carer tokens children name, and each record's MatchedRecord for RecordsMatchedV1.

The records are the contract's plain Structs (``leap_contracts.plain``): the Protocols below name what is
read of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, Protocol, TypedDict

from msgspec.structs import astuple

from leap_matcher.domain.identity import reference
from leap_matcher.domain.junk import TokenStats


class TokenSet(Protocol):
    """Identifier (or carer) tokens: a Struct of optional 64-hex-digit tokens, one field per type (read with
    ``msgspec.structs.astuple``, which mypy knows only for Struct classes: hence its ``type: ignore``)."""
    __struct_fields__: tuple[str, ...]


class PreviousKeyTokens(Protocol):
    tokens: TokenSet
    carer_tokens: TokenSet


class PseudonymisedRecord(Protocol):
    row_number: int
    beneficiary_type: str
    birth_month: str | None
    gender: str | None
    ward_code: str | None
    ward_name: str | None
    ethnicity: str | None
    first_language: str | None
    engagement_date: date
    engagement_type: str | None
    attended: bool | None
    findings: list[str]
    tokens: TokenSet
    carer_tokens: TokenSet
    linking_tokens: list[PreviousKeyTokens]


class PseudonymisedChunk(Protocol):
    """A RecordsPseudonymisedV1 payload."""
    upload_id: uuid.UUID
    provider_id: str
    service_code: str
    chunk_index: int
    dataset: str
    records: list[PseudonymisedRecord]


class MatchedRecord(TypedDict):
    """A record as RecordsMatchedV1 tells it: its non-identifying fields and the types of identifier it carried,
    never a token."""
    row_number: int
    individual_ref: str | None
    beneficiary_type: str
    birth_month: str | None
    gender: str | None
    ward_code: str | None
    ward_name: str | None
    ethnicity: str | None
    first_language: str | None
    engagement_date: date  # orjson writes it as ISO 8601, as the model does
    engagement_type: str | None
    attended: bool | None
    findings: list[str]
    identifier_types: list[str]


class CarerToken(NamedTuple):
    """A carer's e-mail or mobile a child record names (a row of ``carer_token``)."""
    token: bytes
    id_type: str
    upload_id: uuid.UUID
    row_number: int


class RecordWithoutToken(ValueError):
    """A record carries no identifier token: the chunk cannot be matched (a poison message)."""


@dataclass(slots=True)
class ChunkRecords:
    tokens: list[list[bytes]]
    """Per record, its identifier tokens and, during a key rotation, the previous keys' tokens of the same
    identifiers, so records tokenised before the rotation join it (tokens of different keys never collide)."""
    token_type: dict[bytes, str]
    stats: dict[bytes, TokenStats]
    """Per token, the chunk's provider and the birth months its records state."""
    carers: list[CarerToken]
    """Every carer token a child record names ..."""
    carer_of: list[int]
    """... and the index of that record."""
    matched: list[MatchedRecord]
    """Per record, its MatchedRecord; ``individual_ref`` is set by :func:`refer` once the individual is known."""


def read_chunk(chunk: PseudonymisedChunk, records: Sequence[PseudonymisedRecord]) -> ChunkRecords:
    """``records``: those of ``chunk`` still to apply. Raises :class:`RecordWithoutToken`."""
    fromhex, upload_id, providers = bytes.fromhex, chunk.upload_id, {chunk.provider_id}
    new = tuple.__new__  # NamedTuple._make without its length check: three times cheaper than calling the class
    read = ChunkRecords([], {}, {}, [], [], [])
    token_type, stats, carers, carer_of = read.token_type, read.stats, read.carers, read.carer_of
    for i, r in enumerate(records):
        row_number, month = r.row_number, r.birth_month
        named, named_carers = [r.tokens], [r.carer_tokens]
        for linking in r.linking_tokens:
            named.append(linking.tokens)
            named_carers.append(linking.carer_tokens)
        tokens: list[bytes] = []
        kinds: tuple[str, ...] = ()
        for found in named:
            for kind, value in zip(found.__struct_fields__, astuple(found)):  # type: ignore[arg-type]  # a Struct
                if value:
                    token = fromhex(value)
                    tokens.append(token)
                    token_type[token] = kind
                    s = stats.get(token)
                    if s is None:
                        s = stats[token] = TokenStats(providers, set())  # shared: the same provider for all
                    if month:
                        s.birth_months.add(month)
            if found is r.tokens:
                kinds = tuple(token_type[t] for t in tokens)
        if not tokens:
            raise RecordWithoutToken(f"row {row_number} carries no identifier token")
        for found in named_carers:
            for kind, value in zip(found.__struct_fields__, astuple(found)):  # type: ignore[arg-type]  # a Struct
                if value:
                    carers.append(new(CarerToken, (fromhex(value), kind, upload_id, row_number)))
                    carer_of.append(i)
        read.tokens.append(tokens)
        read.matched.append({
            "row_number": row_number, "individual_ref": None, "beneficiary_type": r.beneficiary_type,
            "birth_month": month, "gender": r.gender, "ward_code": r.ward_code, "ward_name": r.ward_name,
            "ethnicity": r.ethnicity, "first_language": r.first_language, "engagement_date": r.engagement_date,
            "engagement_type": r.engagement_type, "attended": r.attended, "findings": r.findings,
            "identifier_types": _sorted_types(kinds)})
    return read


def refer(matched: Sequence[MatchedRecord], individual_of: Sequence[int]) -> None:
    """Each record's ``individual_ref``: the reference of its individual (``individual_of``, by index)."""
    refs = {individual: reference(individual) for individual in set(individual_of)}
    for record, individual in zip(matched, individual_of):
        record["individual_ref"] = refs[individual]


_TYPES: dict[tuple[str, ...], list[str]] = {}


def _sorted_types(kinds: tuple[str, ...]) -> list[str]:
    """The identifier types a record carries, sorted (one shared list per combination: never mutated)."""
    types = _TYPES.get(kinds)
    if types is None:
        types = _TYPES[kinds] = sorted(kinds)
    return types


def linking_tokens(read: ChunkRecords, excluded: set[bytes]) -> list[list[bytes]]:
    """Per record, its tokens that link (``excluded``: junk, quarantined ones left out)."""
    return [[t for t in tokens if t not in excluded] for tokens in read.tokens] if excluded else read.tokens



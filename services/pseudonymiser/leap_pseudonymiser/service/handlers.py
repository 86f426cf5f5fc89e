"""The pseudonymiser's handlers: each gets its event typed, inside the transaction that claimed it
(``leap_contracts.delivery.handlers``), and queues what it publishes in that transaction's outbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from leap_contracts.delivery.handlers import UnitOfWork
from leap_contracts.events import RecordsPseudonymisedAtSourceV1, RecordsPseudonymisedV1
from leap_contracts.pseudonymisation import RowIdentifier, Tokeniser

from leap_pseudonymiser.adapters import ward_lookup
from leap_pseudonymiser.domain.at_source import check_at_source
from leap_pseudonymiser.domain.pseudonymise_chunk import canonical_postcodes, pseudonymise_chunk
from leap_pseudonymiser.domain.token_memos import TokenMemos

LookUpWards = Callable[[asyncpg.Connection, Iterable[str]], Awaitable[dict[str, tuple[str, str]]]]
"""Canonical postcodes -> (ward code, ward name) of those the lookup holds, in the unit of work's transaction."""


@dataclass
class Pseudonymiser:
    tokeniser: Tokeniser
    previous: list[Tokeniser] = field(default_factory=list)
    """Previous keys during a rotation: records also get linking tokens under each."""
    match_keys: bool = True
    """Records also carry their match keys (``Settings.match_keys``)."""
    look_up_wards: LookUpWards = ward_lookup.lookup

    def __post_init__(self) -> None:
        self.identifier = RowIdentifier(self.tokeniser, self.previous)
        self.memos = TokenMemos(self.tokeniser, self.previous, match_keys=self.match_keys)
        self.key_check_values = {t.key_id: t.key_check_value for t in (self.tokeniser, *self.previous)}

    async def on_records_validated(self, event: Any, uow: UnitOfWork) -> None:
        """``event``: a RecordsValidatedV1 as its plain Struct (declared ``plain=True``); the records out are
        written as JSON-ready dicts (``pseudonymise_chunk``), the same bytes as the models would give."""
        wards = await self.look_up_wards(uow.conn, canonical_postcodes(event.records))
        uow.outbox.add_payload(RecordsPseudonymisedV1, {
            "upload_id": str(event.upload_id),
            "provider_id": event.provider_id,
            "service_code": event.service_code,
            "chunk_index": event.chunk_index,
            "spec_version": self.tokeniser.spec_version,
            "key_id": self.tokeniser.key_id,
            "records": pseudonymise_chunk(event.records, event.service_code, self.memos, self.identifier, wards),
            "dataset": event.dataset,
        })

    async def on_records_at_source(self, event: RecordsPseudonymisedAtSourceV1, uow: UnitOfWork) -> None:
        """Forward an at-source chunk made with a key the platform holds; refuse it otherwise."""
        uow.outbox.add(check_at_source(event, self.key_check_values))

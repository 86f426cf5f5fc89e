"""Topic names, partition counts, keys, and which topics may carry clear personal data.

Run ``python -m leap_contracts.topics --bootstrap HOST:PORT [--prefix P]`` to
create every topic (idempotent). A prefix isolates one deployment or one test
run from another on a shared broker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    key: str
    restricted: bool = False
    description: str = ""

    def full_name(self, prefix: str = "") -> str:
        return f"{prefix}{self.name}"

    def key_of(self, fields: Mapping[str, object]) -> str:
        """The Kafka key of a message on this topic from its event's fields (a model's, or its JSON-ready payload):
        the fields ``key`` names, ':'-joined (``upload_id``; ``upload_id:chunk_index`` as :func:`chunk_key` writes
        it). A key field that is absent or None is an error: such an event names its key itself (``Event.key_of``)."""
        values = [fields.get(name) for name in self.key.split(":")]
        if any(value is None for value in values):
            raise ValueError(f"an event on {self.name} needs {self.key} for its key")
        return ":".join(map(str, values))


FILE_RECEIVED = Topic(
    "uploads.file-received.v1", 3, "upload_id",
    description="An upload was accepted for processing (no personal data).",
)
UPLOAD_VALIDATED = Topic(
    "uploads.upload-validated.v1", 3, "upload_id",
    description="An upload's validation outcome: counts and problem codes (no values).",
)
RECORDS_VALIDATED = Topic(
    "restricted.records-validated.v1", 6, "upload_id:chunk_index", restricted=True,
    description="Validated rows with clear identifiers; restricted zone only. Keyed by chunk, so every "
    "pseudonymiser consumer works on one upload's chunks at once (each chunk is tokenised on its own).",
)
RECORDS_PSEUDONYMISED = Topic(
    "records.pseudonymised.v1", 6, "upload_id:chunk_index",
    description="Rows with identifiers replaced by keyed tokens. Keyed by chunk, so the chunks of one large upload "
    "spread over every partition and every matcher instance works on it (the matcher's result does not depend "
    "on the order chunks arrive in).",
)
RECORDS_MATCHED = Topic(
    "matching.records-matched.v1", 6, "upload_id",
    description="Each record of a chunk with the individual it belongs to.",
)
BENEFICIARIES = Topic(
    "beneficiaries.events.v1", 6, "individual_ref",
    description="Retired: one event per individual and change (V1). The matcher publishes "
    "beneficiaries.events.v2 instead; the topic stays so that its history still reads.",
)
BENEFICIARIES_V2 = Topic(
    "beneficiaries.events.v2", 1, "upload_id",
    description="Everything each matched chunk or withdrawal did to individuals (matches, merges, splits, "
    "quarantined identifiers, relationships), one event per chunk; for downstream consumers. One partition, so "
    "consumers read the changes in the order the matcher committed them.",
)
UPLOAD_REPORTABLE = Topic(
    "reporting.upload-reportable.v1", 3, "upload_id",
    description="An upload's rows became part of the published figures (no personal data).",
)
UPLOAD_WITHDRAWN = Topic(
    "uploads.upload-withdrawn.v1", 3, "upload_id",
    description="An upload was withdrawn (or replaced by another); its records must leave every read model.",
)
DEAD_LETTER = Topic(
    "platform.dead-letter.v1", 1, "source topic",
    description="Messages a consumer could not process (non-restricted sources).",
)
RESTRICTED_DEAD_LETTER = Topic(
    "restricted.dead-letter.v1", 1, "source topic", restricted=True,
    description="Messages a consumer could not process, from restricted topics.",
)

RECORDS_AT_SOURCE = Topic(
    "records.at-source.v1", 6, "upload_id",
    description="Rows of a file pseudonymised at source (tokens only), for the pseudonymiser to check key and spec.",
)
AT_SOURCE_REJECTED = Topic(
    "uploads.at-source-rejected.v1", 3, "upload_id",
    description="The pseudonymiser refused an at-source upload (key or spec mismatch); reason only, no values.",
)
SESSIONS_ENDED = Topic(
    "access.sessions-ended.v1", 1, "user_id",
    description="The uploader ended a person's sessions (disabled, role changed, password or second factor "
    "reset) or everyone's (an admin); the reporter and the matcher end theirs (no personal data).",
)
OUTCOMES_LINKED = Topic(
    "outcomes.linked.v1", 6, "upload_id",
    description="Each outcome record of a chunk with the individual it links to, if any. Outcome records never "
    "create, merge or engage an individual (docs/outcomes-dataset.md); pseudonymous references only.",
)
TOLERANT_RELINKED = Topic(
    "matching.tolerant-records-relinked.v1", 3, "upload_id",
    description="Records whose tolerant individual (typo-tolerant linkage, docs/tolerant-linkage.md) changed, each "
    "with its pseudonymous tolerant reference and a version from one sequence: a consumer keeps the newest "
    "version per record, so the order of delivery does not matter. No tokens.",
)
LINKAGE_QUALITY = Topic(
    "matching.linkage-quality-measured.v1", 1, "matcher",
    description="The matcher's linkage-quality figures (aggregate counts only, never a person or a reference), "
    "measured again whenever tolerant linkage changed.",
)

ALL: tuple[Topic, ...] = (
    FILE_RECEIVED,
    UPLOAD_VALIDATED,
    RECORDS_VALIDATED,
    RECORDS_PSEUDONYMISED,
    RECORDS_MATCHED,
    BENEFICIARIES,
    DEAD_LETTER,
    RESTRICTED_DEAD_LETTER,
    RECORDS_AT_SOURCE,
    AT_SOURCE_REJECTED,
    SESSIONS_ENDED,
    UPLOAD_WITHDRAWN,
    BENEFICIARIES_V2,
    UPLOAD_REPORTABLE,
    OUTCOMES_LINKED,
    TOLERANT_RELINKED,
    LINKAGE_QUALITY,
)

CHUNK_SIZE = 1000
"""Most records one chunk event carries."""


def chunk_key(upload_id: object, chunk_index: int) -> str:
    """The key of a chunk on a topic keyed by ``upload_id:chunk_index``."""
    return f"{upload_id}:{chunk_index}"


def dead_letter_for(topic: Topic) -> Topic:
    return RESTRICTED_DEAD_LETTER if topic.restricted else DEAD_LETTER


async def create_all(bootstrap: str, prefix: str = "") -> list[str]:
    """Create every topic that does not exist yet; returns the names created."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    from leap_contracts.kafka_auth import client_options

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client_options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(t.full_name(prefix), num_partitions=t.partitions, replication_factor=1)
            for t in ALL
            if t.full_name(prefix) not in existing
        ]
        if wanted:
            await admin.create_topics(wanted)
        return [t.name for t in wanted]
    finally:
        await admin.close()


def _main() -> None:
    import argparse
    import asyncio

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default="127.0.0.1:19092")
    parser.add_argument("--prefix", default="")
    args = parser.parse_args()
    created = asyncio.run(create_all(args.bootstrap, args.prefix))
    print(f"topics created: {len(created)} ({', '.join(created) or 'all existed'})")


if __name__ == "__main__":
    _main()

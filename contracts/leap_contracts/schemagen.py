"""Generate the committed JSON Schemas and AsyncAPI document from the models.

``python -m leap_contracts.schemagen`` rewrites ``contracts/schemas/``; a test
fails when the committed files differ from what the models produce.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from leap_contracts import events, topics
from leap_contracts.envelope import Envelope

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

MESSAGES_BY_TOPIC: dict[topics.Topic, tuple[type[events.Event], ...]] = {
    topics.FILE_RECEIVED: (events.FileReceivedV1,),
    topics.UPLOAD_VALIDATED: (events.UploadValidatedV1,),
    topics.RECORDS_VALIDATED: (events.RecordsValidatedV1,),
    topics.RECORDS_PSEUDONYMISED: (events.RecordsPseudonymisedV1,),
    topics.RECORDS_MATCHED: (events.RecordsMatchedV1,),
    topics.BENEFICIARIES: (events.IndividualMatchedV1, events.IndividualsMergedV1),
}


def json_schemas() -> dict[str, dict]:
    out = {"Envelope": Envelope.model_json_schema()}
    for name, model in events.EVENT_TYPES.items():
        out[name] = model.model_json_schema()
    return out


def asyncapi() -> dict:
    channels: dict = {}
    operations: dict = {}
    messages: dict = {}
    for topic, models in MESSAGES_BY_TOPIC.items():
        channel_id = topic.name.replace(".", "_").replace("-", "_")
        channels[channel_id] = {
            "address": topic.name,
            "description": topic.description + (" RESTRICTED: clear personal data." if topic.restricted else ""),
            "messages": {m.__name__: {"$ref": f"#/components/messages/{m.__name__}"} for m in models},
            "bindings": {"kafka": {"partitions": topic.partitions, "bindingVersion": "0.5.0"}},
        }
        operations[f"publish_{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
        }
        for m in models:
            messages[m.__name__] = {
                "name": m.__name__,
                "title": m.__name__,
                "summary": (m.__doc__ or "").strip().splitlines()[0],
                "contentType": "application/json",
                "headers": {"description": f"Kafka key: {topic.key}"},
                "payload": {"$ref": f"schemas/{m.__name__}.json"},
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "LEAP data platform events",
            "version": "1.0.0",
            "description": "Every message is an Envelope (schemas/Envelope.json) whose payload is one of these events.",
        },
        "servers": {"local": {"host": "127.0.0.1:19092", "protocol": "kafka"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def render() -> dict[str, str]:
    files = {f"{name}.json": json.dumps(schema, indent=2, sort_keys=True) + "\n" for name, schema in json_schemas().items()}
    files["asyncapi.yaml"] = yaml.safe_dump(asyncapi(), sort_keys=False, width=100)
    return files


def main() -> None:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, text in render().items():
        (SCHEMA_DIR / name).write_text(text)
    print(f"wrote {len(render())} files to {SCHEMA_DIR}")


if __name__ == "__main__":
    main()

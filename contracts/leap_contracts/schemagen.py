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



def messages_by_topic() -> dict[topics.Topic, list[type[events.Event]]]:
    """Each topic with the events that travel on it, in the order topics.ALL lists them."""
    found: dict[topics.Topic, list[type[events.Event]]] = {t: [] for t in topics.ALL}
    for name in sorted(events.EVENT_TYPES):
        model = events.EVENT_TYPES[name]
        found[model.TOPIC].append(model)
    return {t: models for t, models in found.items() if models}


def json_schemas() -> dict[str, dict]:
    out = {"Envelope": Envelope.model_json_schema()}
    for name, model in events.EVENT_TYPES.items():
        out[name] = model.model_json_schema()
    return out


def asyncapi() -> dict:
    channels: dict = {}
    operations: dict = {}
    messages: dict = {}
    for topic, models in messages_by_topic().items():
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

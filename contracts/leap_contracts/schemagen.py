"""Generate the committed JSON Schemas and AsyncAPI document from the models.

``python -m leap_contracts.schemagen`` rewrites ``contracts/schemas/``; a test
fails when the committed files differ from what the models produce.

``asyncapi.yaml`` sits beside the JSON Schemas and refers to them as ``./X.json``
(references resolve relative to the document). Each message carries one example
payload, built from its schema and checked by its model, so consumers (and
``contracts/asyncapi-check``) can decode a real payload without running Python.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from leap_contracts import events, topics
from leap_contracts.envelope import Envelope
from leap_contracts.events.base import Event

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
ASYNCAPI_VERSION = "3.0.0"  # 3.1.0 is newer, but @asyncapi/modelina (5.10) refuses it


def messages_by_topic() -> dict[topics.Topic, list[type[Event]]]:
    """Each topic with the events that travel on it, in the order topics.ALL lists them."""
    found: dict[topics.Topic, list[type[Event]]] = {t: [] for t in topics.ALL}
    for name in sorted(events.EVENT_TYPES):
        model = events.EVENT_TYPES[name]
        found[model.TOPIC].append(model)
    return {t: models for t, models in found.items() if models}


def json_schemas() -> dict[str, dict[str, Any]]:
    out = {"Envelope": Envelope.model_json_schema()}
    for name, model in events.EVENT_TYPES.items():
        out[name] = model.model_json_schema()
    return out


# --- example payloads: every field filled (optional ones too), first choice of each enum, fixed values

_FORMATS = {"uuid": "00000000-0000-4000-8000-000000000001", "date": "2026-01-31",
            "date-time": "2026-01-31T12:00:00Z"}
_CLASSES = {r"\d": "0123456789", r"\w": "abcdefghij", ".": "abcdefghij"}
_PATTERN_TOKEN = re.compile(r"(\\d|\\w|\\.|\[[^\]]+\]|\.|[^\\\[\]{}()|*+?^$])(\{(\d+)(?:,\d*)?\}|[+?*])?")


def _from_pattern(pattern: str) -> str:
    """A string matching a simple pattern (literals, \\d, \\w, classes like [0-9a-f], counts like {64})."""
    body, out, at = pattern.removeprefix("^").removesuffix("$"), [], 0
    while at < len(body):
        token = _PATTERN_TOKEN.match(body, at)
        if token is None:
            raise ValueError(f"pattern {pattern!r} is beyond the example builder")
        atom, count = token.group(1), int(token.group(3) or 1)
        if atom.startswith("["):
            inside = atom[1:-1]
            ranges = "".join(chr(c) for a, b in re.findall(r"(.)-(.)", inside) for c in range(ord(a), ord(b) + 1))
            chars = ranges + re.sub(r".-.", "", inside)
        else:
            chars = _CLASSES.get(atom, atom.removeprefix("\\"))
        out.append("".join(chars[i % len(chars)] for i in range(count)))
        at = token.end()
    return "".join(out)


def _example(schema: dict[str, Any], defs: dict[str, Any], name: str) -> object:
    if "$ref" in schema:
        return _example(defs[schema["$ref"].rpartition("/")[2]], defs, name)
    for key in ("examples", "enum"):
        if schema.get(key):
            return schema[key][0]
    if "const" in schema:
        return schema["const"]
    if schema.get("default") not in (None, [], {}):
        return schema["default"]
    choices = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if choices:
        return _example(next((c for c in choices if c.get("type") != "null"), choices[0]), defs, name)
    kind = schema.get("type")
    if kind == "object":
        return {key: _example(sub, defs, key) for key, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_example(schema.get("items", {}), defs, name)] * max(1, schema.get("minItems", 1))
    if kind == "string":
        if "pattern" in schema:
            return _from_pattern(schema["pattern"])
        text = _FORMATS.get(schema.get("format", ""), name).ljust(schema.get("minLength", 0), "x")
        return text[: schema.get("maxLength")]
    if kind in ("integer", "number"):
        value = max(1, schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1))
        return min(value, schema.get("maximum", value))
    if kind == "boolean":
        return True
    return None


def example_payload(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON a producer sends for ``model``, built from its schema and validated by the model."""
    schema = model.model_json_schema()
    try:
        return model.model_validate(_example(schema, schema.get("$defs", {}), "")).model_dump(mode="json")
    except ValueError as exc:  # pydantic's ValidationError is one
        raise ValueError(f"{model.__name__}: no valid example can be built from its schema; give the field "
                         f"one with Field(..., examples=[...])\n{exc}") from exc


def asyncapi() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
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
                "summary": " ".join((m.__doc__ or "").strip().split("\n\n")[0].split()),
                "contentType": "application/json",
                "headers": {"description": f"Kafka key: {topic.key}"},
                "payload": {"$ref": f"./{m.__name__}.json"},
                "examples": [{"name": "generated", "summary": "Every field filled; values show the shape only.",
                              "payload": example_payload(m)}],
            }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "LEAP data platform events",
            "version": "1.0.0",
            "description": "Every message is an Envelope (./Envelope.json) whose payload is one of these events.",
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
    files = render()
    for name, text in files.items():
        (SCHEMA_DIR / name).write_text(text)
    print(f"wrote {len(files)} files to {SCHEMA_DIR}")


if __name__ == "__main__":
    main()

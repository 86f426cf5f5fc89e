"""The committed AsyncAPI document reads as tools read it, without Node: every ``$ref`` resolves relative to
the document (and inside the JSON Schemas it points to), and every message's example is what its model sends.
``make check-asyncapi`` runs the AsyncAPI project's own parser on the same file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from leap_contracts import events, schemagen

DOCUMENT = schemagen.SCHEMA_DIR / "asyncapi.yaml"


def _load(path: Path) -> object:
    return yaml.safe_load(path.read_text()) if path.suffix in (".yaml", ".yml") else json.loads(path.read_text())


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [r for r in [node.get("$ref")] if isinstance(r, str)] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _pointer(document: object, fragment: str) -> bool:
    node = document
    for part in [p.replace("~1", "/").replace("~0", "~") for p in fragment.split("/") if p]:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def unresolved_refs(path: Path) -> list[str]:
    """Every ``$ref`` reachable from ``path`` that does not resolve: a file relative to the file holding the
    reference, then the JSON pointer after ``#``. Empty when all resolve."""
    problems, seen, todo = [], set(), [path.resolve()]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        document = _load(current)
        for ref in _refs(document):
            target, _, fragment = ref.partition("#")
            file = (current.parent / target).resolve() if target else current
            if not file.is_file():
                problems.append(f"{current.name}: {ref} (no file {file})")
            elif not _pointer(_load(file), fragment):
                problems.append(f"{current.name}: {ref} (no #{fragment} in {file.name})")
            elif target:
                todo.append(file)
    return problems


def test_every_ref_in_the_committed_document_resolves_relative_to_it():
    assert unresolved_refs(DOCUMENT) == []


def test_the_check_finds_refs_resolved_from_the_wrong_folder(tmp_path):
    (tmp_path / "A.json").write_text(json.dumps({"$defs": {"B": {}}, "items": {"$ref": "#/$defs/C"}}))
    (tmp_path / "doc.yaml").write_text(yaml.safe_dump({"components": {"messages": {
        "A": {"payload": {"$ref": "./A.json"}}, "Gone": {"payload": {"$ref": "schemas/A.json"}}}}}))
    assert [p.split(" ")[1] for p in unresolved_refs(tmp_path / "doc.yaml")] == ["schemas/A.json", "#/$defs/C"]


@pytest.mark.parametrize("name", sorted(events.EVENT_TYPES))
def test_each_message_example_is_what_its_model_sends(name):
    message = yaml.safe_load(DOCUMENT.read_text())["components"]["messages"][name]
    assert message["payload"] == {"$ref": f"./{name}.json"}
    assert message["examples"], f"{name} has no example"
    for example in message["examples"]:
        model = events.EVENT_TYPES[name]
        assert model.model_validate(example["payload"]).model_dump(mode="json") == example["payload"]


def test_the_example_builder_fills_every_field_and_honours_patterns_and_bounds():
    from typing import Annotated, Literal

    from pydantic import BaseModel, Field

    class Sample(BaseModel):
        digest: str = Field(pattern=r"^[0-9a-f]{8}$")
        month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
        code: str = Field(pattern=r"^[A-Z_]+\.v\d$")
        kind: Literal["a", "b"]
        count: int = Field(ge=3)
        short: str = Field(min_length=9, max_length=12)
        tags: list[Annotated[str, Field(examples=["chosen"])]] = Field(default_factory=list)

    assert schemagen.example_payload(Sample) == {
        "digest": "01234567", "month": "0123-01", "code": "A.v0", "kind": "a", "count": 3, "short": "shortxxxx",
        "tags": ["chosen"]}


def test_a_field_the_example_builder_cannot_fill_says_how_to_fix_it():
    from pydantic import BaseModel, Field

    class Odd(BaseModel):
        either: str = Field(pattern=r"^(yes|no)$")

    with pytest.raises(ValueError, match=r"Odd: .*Field\(\.\.\., examples=\[\.\.\.\]\)"):
        schemagen.example_payload(Odd)

"""Events validated as plain dicts and lists instead of model objects.

The rules are the event model's own (types, constraints, forbidden extras), derived from it, so they
cannot drift apart. Building no model objects makes a chunk of thousands of records about three times
faster to validate; a consumer whose hot path reads every record uses this. Fields that have a default in
the model may be absent from a plain payload: read them with ``.get``.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, TypeAdapter, create_model
from typing_extensions import NotRequired, TypedDict

from leap_contracts.envelope import Envelope, receive
from leap_contracts.events import Event


@functools.cache
def plain_type(model: type[BaseModel]) -> type:
    """The TypedDict with ``model``'s fields, constraints and nested models (as TypedDicts too)."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = _plain(info.annotation)
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        fields[name] = annotation if info.is_required() else NotRequired[annotation]
    plain = TypedDict(model.__name__, fields)  # type: ignore[operator]
    plain.__pydantic_config__ = ConfigDict(extra=model.model_config.get("extra"))  # type: ignore[attr-defined]
    return plain


def _plain(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return plain_type(annotation)
    origin = get_origin(annotation)
    if origin is Annotated:  # a constrained type, e.g. a token
        inner, *metadata = get_args(annotation)
        return Annotated[(_plain(inner), *metadata)]
    if origin in (Union, types.UnionType):
        return Union[tuple(_plain(a) for a in get_args(annotation))]  # noqa: UP007
    if origin is list:
        return list[_plain(get_args(annotation)[0])]
    if origin is None or origin is Literal:
        return annotation
    raise TypeError(f"no plain form for {annotation!r}")


@functools.cache
def _envelope(model: type[Event]) -> type[Envelope]:
    return create_model(f"Plain{model.__name__}Envelope", __base__=Envelope,
                        event_type=(Literal[model.__name__], ...), payload=(plain_type(model), ...))


def receiver(model: type[Event]) -> Callable[[bytes], Envelope]:
    """A consumer's ``receive`` for a topic of ``model`` events: envelope and plain payload validated in one
    pass from the wire bytes. Anything else is received as usual (and refused by :func:`open_plain`)."""
    adapter = TypeAdapter(_envelope(model))

    def receive_plain(raw: bytes) -> Envelope:
        try:
            return adapter.validate_json(raw)
        except ValueError:
            return receive(raw)

    return receive_plain


def open_plain(envelope: Envelope, model: type[Event]) -> dict[str, Any]:
    """The plain payload of a ``model`` event: as received by :func:`receiver`, or validated now (an envelope
    built in-process, or received otherwise). Raises ``ValueError`` when the envelope holds anything else."""
    if type(envelope) is _envelope(model):
        return envelope.payload
    if envelope.event_type != model.__name__:
        raise ValueError(f"expected {model.__name__}, got {envelope.event_type}")
    payload = envelope.payload.model_dump(mode="json") if isinstance(envelope.payload, BaseModel) else envelope.payload
    return _adapter(model).validate_python(payload)


@functools.cache
def _adapter(model: type[Event]) -> TypeAdapter:
    return TypeAdapter(plain_type(model))

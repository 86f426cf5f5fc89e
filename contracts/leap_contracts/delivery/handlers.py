"""Typed handlers: each message's event handed over inside its transaction, its inbox row already claimed.

A service declares ``Handlers(pool, producer=..., topic_prefix=...)`` and, per event type it consumes,
``on(Model, handle)``: ``handle(event, uow)`` gets the event as ``Model`` (``plain=True``: as its plain Struct,
``leap_contracts.plain``) and a :class:`UnitOfWork` whose transaction has claimed the message in the inbox and
whose outbox is written before the commit. A redelivered message never reaches ``handle``; an event type the
service did not declare on that topic is a poison message (dead-lettered), unless ignored (:meth:`Handlers.ignore`).
``messaging(handlers=...)`` subscribes to every topic the declared types travel on.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import asyncpg
import structlog

from leap_contracts.delivery.consumer import Handler, PoisonMessage, Receiver
from leap_contracts.delivery.inbox import claim
from leap_contracts.delivery.outbox import Outbox
from leap_contracts.envelope import Envelope, UnknownEventType, open_envelope, receive
from leap_contracts.events import EVENT_TYPES
from leap_contracts.events.base import Event
from leap_contracts.plain import open_plain, receiver
from leap_contracts.topics import Topic

log = structlog.get_logger()
E = TypeVar("E")
Isolation = Literal["read_committed", "repeatable_read", "serializable"]


@dataclass
class UnitOfWork:
    """One transaction: its connection (for the service's adapters), its outbox, and the message it handles
    (None for work that no message started, :meth:`Handlers.unit_of_work`)."""

    conn: asyncpg.Connection
    outbox: Outbox
    envelope: Envelope | None = None


TypedHandler = Callable[[Any, UnitOfWork], Awaitable[None]]
"""``handle(event, uow)``: the event as its model (or its plain Struct), in ``uow``'s transaction."""


@dataclass(frozen=True)
class _Route:
    model: type[Event]
    handle: TypedHandler
    plain: bool
    races: tuple[type[BaseException], ...]
    race_retries: int


@dataclass
class _Subscription:
    routes: dict[str, _Route] = field(default_factory=dict)
    ignored: set[str] = field(default_factory=set)
    ignore_unknown: bool = False


class Handlers:
    """A service's typed handlers, by topic and event type, and the transactions they run in."""

    def __init__(self, pool: asyncpg.Pool, *, producer: str, topic_prefix: str = "") -> None:
        self.pool = pool
        self.producer = producer
        self.topic_prefix = topic_prefix
        self._topics: dict[Topic, _Subscription] = {}

    def on(self, model: type[E], handle: Callable[[E, UnitOfWork], Awaitable[None]], *, plain: bool = False,
           races: tuple[type[BaseException], ...] = (), race_retries: int = 20) -> None:
        """Hand ``model`` events (from ``model.TOPIC``) to ``handle``. ``plain``: as their plain Struct, read
        from the wire in one pass (``leap_contracts.plain.receiver``; the topic's fast path, one model a topic).
        ``races``: exceptions that mean another transaction raced this one; the whole unit of work is tried
        again, up to ``race_retries`` times, then the last one is raised."""
        if not (isinstance(model, type) and issubclass(model, Event)):
            raise TypeError(f"{model!r} is not an event model")
        subscription = self._topics.setdefault(model.TOPIC, _Subscription())
        if plain and any(r.plain for r in subscription.routes.values()):
            raise ValueError(f"one plain event type per topic ({model.TOPIC.name})")
        subscription.routes[model.__name__] = _Route(model, handle, plain, races, race_retries)

    def ignore(self, *models: type[Event], unknown_on: Topic | None = None) -> None:
        """Acknowledge these event types without a transaction (nothing here needs them); ``unknown_on``: also
        any type this build does not know on that topic (a newer producer's), instead of dead-lettering it."""
        for model in models:
            self._topics.setdefault(model.TOPIC, _Subscription()).ignored.add(model.__name__)
        if unknown_on is not None:
            self._topics.setdefault(unknown_on, _Subscription()).ignore_unknown = True

    @property
    def subscriptions(self) -> list[tuple[Topic, Handler]]:
        """(topic, envelope handler) for ``leap_contracts.delivery.runtime.messaging``."""
        return [(topic, self._handler(topic)) for topic in self._topics]

    @property
    def receivers(self) -> dict[str, Receiver]:
        """Topic name -> how its wire bytes are read: the plain route's receiver, else ``receive``."""
        found: dict[str, Receiver] = {}
        for topic, subscription in self._topics.items():
            plain = [r.model for r in subscription.routes.values() if r.plain]
            found[topic.name] = receiver(plain[0]) if plain else receive
        return found

    async def deliver(self, envelope: Envelope, topic: Topic | None = None) -> None:
        """Handle one received message (``topic``: the one it came from; default its event type's), as the
        consumer does: typed, once, in its unit of work."""
        model = EVENT_TYPES.get(envelope.event_type)
        topic = topic or (model.TOPIC if model else None)
        subscription = self._topics.get(topic) if topic else None
        if subscription is None or topic is None:
            if model is None:
                raise UnknownEventType(envelope.event_type)
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        route = subscription.routes.get(envelope.event_type)
        if route is None:
            if envelope.event_type in subscription.ignored or (subscription.ignore_unknown and model is None):
                log.info("message.ignored", topic=topic.name, event_type=envelope.event_type)
                return
            if model is None:
                raise UnknownEventType(envelope.event_type)
            raise PoisonMessage(f"unexpected event type {envelope.event_type}")
        event = open_plain(envelope, route.model) if route.plain else open_envelope(envelope)
        for attempt in range(1, max(route.race_retries, 1) + 1):
            try:
                await self._once(envelope, topic, route, event)
                return
            except route.races as exc:
                if attempt >= route.race_retries:
                    raise
                log.info("event.race", topic=topic.name, event_id=str(envelope.event_id), attempt=attempt,
                         reason=type(exc).__name__)

    async def _once(self, envelope: Envelope, topic: Topic, route: _Route, event: object) -> None:
        async with self.unit_of_work(envelope.correlation_id, envelope=envelope) as uow:
            if await claim(uow.conn, envelope.event_id, topic.name):
                await route.handle(event, uow)

    @contextlib.asynccontextmanager
    async def unit_of_work(self, correlation_id: str, *, envelope: Envelope | None = None,
                           isolation: Isolation | None = None) -> AsyncIterator[UnitOfWork]:
        """A transaction with this service's outbox, for work no message started (an HTTP request, a command):
        the outbox is written and everything committed when the block ends, all rolled back if it raises."""
        async with self.pool.acquire() as conn, conn.transaction(isolation=isolation):
            outbox = Outbox(conn, producer=self.producer, correlation_id=correlation_id,
                            topic_prefix=self.topic_prefix)
            uow = UnitOfWork(conn, outbox, envelope)
            yield uow
            await outbox.flush()

    def _handler(self, topic: Topic) -> Handler:
        async def handle(envelope: Envelope) -> None:
            await self.deliver(envelope, topic)

        return handle

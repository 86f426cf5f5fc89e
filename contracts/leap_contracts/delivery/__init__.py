"""The delivery contract's reference implementation, used by every service.

How messages travel between the parties is as much a part of the contract as
their shape: at-least-once delivery, an inbox that makes redelivery harmless,
a transactional outbox, poison messages to a dead-letter topic with the same
headers everywhere, and logs that never carry a field value. Each service
passes its own schema; nothing here touches another service's tables.

Needs the ``runtime`` extra (``pip install leap-contracts[runtime]``).

How a service uses it
---------------------

A handler takes the typed event and a unit of work; it never decodes an envelope, checks the event type,
opens a transaction, claims the inbox, names a topic or a key, or passes ``producer=``::

    from leap_contracts.delivery.handlers import Handlers, UnitOfWork

    class Service:
        async def on_upload_withdrawn(self, event: UploadWithdrawnV1, uow: UnitOfWork) -> None:
            # inside the message's transaction, its inbox row claimed (a redelivery never gets here)
            await my_adapter.forget(uow.conn, event.upload_id)
            uow.outbox.add(UploadReportableV1(...))     # topic: event.TOPIC, prefixed; key: event.key()

    # bootstrap.py
    handlers = Handlers(pool, producer="my-service", topic_prefix=settings.topic_prefix)
    handlers.on(UploadWithdrawnV1, service.on_upload_withdrawn)
    handlers.on(RecordsMatchedV1, service.on_records_matched, plain=True)  # hot topic: a plain Struct
    handlers.ignore(RecordsWithdrawnV1)                 # acknowledged, no transaction
    async with messaging(..., handlers=handlers):       # leap_contracts.delivery.runtime
        ...

- ``on(Model, handle)`` subscribes to ``Model.TOPIC``; several models on one topic share the subscription.
  Any other event type arriving there is a poison message (dead-lettered) in one place; ``ignore(Model)``
  acknowledges a type instead, ``ignore(unknown_on=topic)`` types this build does not know.
- ``plain=True``: the payload is read from the wire in one pass into ``leap_contracts.plain``'s Struct
  (one such model a topic); otherwise the handler gets the pydantic model.
- ``races=(SomeConflict, asyncpg.DeadlockDetectedError)``: the whole unit of work is tried again
  (``race_retries``, default 20) when the handler raises one of them.
- ``uow.envelope`` is the message (``event_id``, ``occurred_at``, ``correlation_id``); ``uow.conn`` is the
  transaction's connection, for the service's adapters.
- The outbox (``leap_contracts.delivery.outbox.Outbox``): ``add(event)`` seals with the service's producer and
  the message's correlation id and keys by ``event.key()`` (``Event.key_of``: the fields ``TOPIC.key`` names,
  e.g. ``upload_id`` or ``upload_id:chunk_index``); ``add(event, key=...)`` for an event that cannot know its
  key; ``add_payload(Model, json_ready_dict)`` is the fast path that builds no model (``leap_contracts.envelope.
  encode``'s); ``await copy_in(spool)`` queues a COPY-binary spool after what was added before it.
- Work no message started (an HTTP request, an ops command) takes the same unit of work:
  ``async with handlers.unit_of_work(correlation_id) as uow: ... uow.outbox.add(event)`` (committed with the
  outbox at the end of the block). Code that holds a connection already can use
  ``Outbox(conn, producer=..., correlation_id=..., topic_prefix=...)`` and ``await outbox.flush()``.

A handler's unit test needs no database (``leap_contracts.testing.FakeUnitOfWork``)::

    uow = FakeUnitOfWork(correlation_id="c")
    await uow.deliver(service.on_upload_withdrawn, UploadWithdrawnV1(...))       # plain=True for plain handlers
    assert uow.published == [("reporting.upload-reportable.v1", str(upload_id), UploadReportableV1(...))]

``uow.conn`` refuses any use there: give the service fake adapters (a constructor argument). An integration
test drives the whole path with ``await handlers.deliver(seal(event, producer=..., correlation_id=...))``.

The envelope-level API (``subscriptions=[(topic, handler)]``, ``inbox.claim``, ``outbox.add(conn, [(topic,
key, bytes)])``) still works for code not moved yet.
"""

"""The delivery contract's reference implementation, used by every service.

How messages travel between the parties is as much a part of the contract as
their shape: at-least-once delivery, an inbox that makes redelivery harmless,
a transactional outbox, poison messages to a dead-letter topic with the same
headers everywhere, and logs that never carry a field value. Each service
passes its own schema; nothing here touches another service's tables.

Needs the ``runtime`` extra (``pip install leap-contracts[runtime]``).
"""

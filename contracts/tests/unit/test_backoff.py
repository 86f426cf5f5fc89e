"""How the delivery runtime's long-running tasks wait after losing a connection, and which failures count as one."""

import asyncpg
from aiokafka.errors import KafkaConnectionError

from leap_contracts.delivery.consumer import PoisonMessage, connection_lost
from leap_contracts.delivery.health import Backoff


def test_the_wait_doubles_between_half_and_all_of_its_ceiling():
    lowest, highest = Backoff(first=0.5, cap=30, rng=lambda: 0.0), Backoff(first=0.5, cap=30, rng=lambda: 1.0)
    assert [lowest.next_delay() for _ in range(4)] == [0.25, 0.5, 1.0, 2.0]
    assert [highest.next_delay() for _ in range(4)] == [0.5, 1.0, 2.0, 4.0]


def test_the_wait_is_bounded_however_long_the_outage():
    backoff = Backoff(first=0.5, cap=30, rng=lambda: 1.0)
    delays = [backoff.next_delay() for _ in range(10_000)]  # no overflow either
    assert max(delays) == 30 and delays[-1] == 30 and backoff.failures == 10_000


def test_jitter_spreads_instances_that_fail_together():
    delays = {Backoff(first=1, cap=30).next_delay() for _ in range(50)}
    assert len(delays) > 1 and all(0.5 <= d <= 1 for d in delays)


def test_a_success_starts_the_next_outage_from_the_first_wait():
    backoff = Backoff(first=0.5, cap=30, rng=lambda: 1.0)
    for _ in range(5):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() == 0.5 and backoff.failures == 1


def test_a_lost_connection_is_told_apart_from_a_failing_message():
    for lost in (ConnectionRefusedError(), asyncpg.ConnectionDoesNotExistError(), asyncpg.AdminShutdownError(),
                 asyncpg.CannotConnectNowError(), KafkaConnectionError(), asyncpg.DiskFullError()):
        assert connection_lost(lost), type(lost).__name__
    for failing in (ValueError(), PoisonMessage("x"), asyncpg.UniqueViolationError(), TimeoutError()):
        assert not connection_lost(failing), type(failing).__name__

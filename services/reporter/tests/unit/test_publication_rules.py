"""Published returns, the pure rules: what a return holds, the checks on a request, the "as of" gate; and the
lag watch's applied offsets (what the manifest records of the events included)."""

from datetime import UTC, date, datetime

import pytest
from aiokafka.structs import OffsetAndMetadata, TopicPartition

from leap_reporter.adapters.lag import LagWatch
from leap_reporter.domain.publication import (SLICERS, InvalidReturn, NotUpToDate, as_of_label, parts,
                                              return_request)

AT = datetime(2026, 4, 5, 9, 30, 15, tzinfo=UTC)


def test_a_return_holds_each_slicer_then_new_per_quarter_to_the_period_end_then_overlap():
    asked = return_request("  Q4   funder return ", date(2026, 1, 1), date(2026, 3, 31), ["ward", "service", "ward"])
    assert asked.name == "Q4 funder return" and asked.slicers == ("ward", "service")
    found = parts(asked)
    assert [p.figure for p in found] == ["reach-by-ward", "reach-by-service", "new-by-quarter", "overlap"]
    assert (found[0].filters.date_from, found[0].filters.date_to) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (found[2].filters.date_from, found[2].filters.date_to) == (None, date(2026, 3, 31))
    assert return_request("R", date(2026, 1, 1), date(2026, 1, 1)).slicers == SLICERS


def test_every_problem_of_a_request_is_named():
    with pytest.raises(InvalidReturn) as caught:
        return_request("", date(2026, 4, 1), date(2026, 3, 31), ["postcode"])
    assert [p.field for p in caught.value.problems] == ["name", "from", "slicers"]
    with pytest.raises(InvalidReturn, match="at most 200"):
        return_request("x" * 201, date(2026, 1, 1), date(2026, 1, 2))
    with pytest.raises(InvalidReturn, match="control character"):  # PostgreSQL and XLSX refuse them
        return_request("Q4\x00 return", date(2026, 1, 1), date(2026, 1, 2))
    with pytest.raises(InvalidReturn) as caught:  # quarters are counted to the end: no year 10000
        return_request("Q4", date(1, 1, 1), date(9999, 12, 31))
    assert [p.field for p in caught.value.problems] == ["from", "to"]


def test_not_up_to_date_is_refused_unless_an_as_of_label_is_accepted():
    assert as_of_label(True, 0, 0, AT, accept_as_of=False) is None
    with pytest.raises(NotUpToDate, match=r"2 uploads and 14 events not yet counted; figures as of 09:30:15 UTC"):
        as_of_label(False, 2, 14, AT, accept_as_of=False)
    with pytest.raises(NotUpToDate, match="broker is not answering"):
        as_of_label(False, 0, None, AT, accept_as_of=False)
    assert as_of_label(False, 1, 0, AT, accept_as_of=True) == \
        "Not up to date when published: Updating: 1 upload not yet counted; figures as of 09:30:15 UTC."


class _Ends:
    async def end_offsets(self, partitions):
        return {tp: 10 for tp in partitions}


class _Admin:
    async def list_consumer_group_offsets(self, group_id, partitions):
        return {partitions[0]: OffsetAndMetadata(10, ""), partitions[1]: OffsetAndMetadata(-1, "")}


async def test_the_lag_watch_keeps_the_offsets_applied_at_its_last_check():
    watch = LagWatch("kafka", "leap-reporter", (TopicPartition("a.v1", 0), TopicPartition("a.v1", 1)))
    await watch.check(_Admin(), _Ends())
    assert watch.behind == 10 and watch.applied == {"a.v1[0]": 10, "a.v1[1]": 0}

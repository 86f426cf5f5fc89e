"""Attended engagements as columns of integers (numpy, no I/O): the rows the pattern figures count.

One entry per attended engagement: the dense person id of the reach index, the
service and ward as positions in ``services`` / ``wards`` (ward ``""`` is "no
ward") and the day as days since 1970-01-01. Filtering is a boolean mask over the
columns, and "contacts per person" one ``bincount``: the same rows and counts
the SQL ``scoped`` engagements give, without a query.
"""

from __future__ import annotations

import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from pyroaring import BitMap

EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    return (day - EPOCH).days


def to_bitmap(ids: np.ndarray) -> BitMap:
    return BitMap(array.array("I", ids.astype(np.uint32, copy=False).tobytes()))


def to_ids(bitmap: BitMap) -> np.ndarray:
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32)


@dataclass(frozen=True)
class ContactRows:
    person: np.ndarray  # int32, 1..people
    service: np.ndarray  # int16 position in services
    ward: np.ndarray  # int16 position in wards
    day: np.ndarray  # int32 days since EPOCH
    services: tuple[str, ...]
    wards: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.person)

    def cells(self) -> Iterator[tuple[str, str, date, np.ndarray]]:
        """(service, ward, day, person ids) for every (service, ward, day) with rows."""
        if not len(self):
            return
        key = (self.service.astype(np.int64) * len(self.wards) + self.ward) << 32 | (self.day.astype(np.int64) & 0xFFFFFFFF)
        order = np.argsort(key, kind="stable")
        key, people = key[order], self.person[order]
        starts = np.concatenate(([0], np.flatnonzero(np.diff(key)) + 1))
        ends = np.append(starts[1:], len(key))
        days: dict[int, date] = {}
        for first, last in zip(starts.tolist(), ends.tolist(), strict=True):
            k = int(key[first])
            service, ward = divmod(k >> 32, len(self.wards))
            d = (k & 0xFFFFFFFF) - ((k & 0x80000000) << 1)  # the day back as a signed 32-bit number
            day = days.get(d) or days.setdefault(d, EPOCH + timedelta(days=d))
            yield self.services[service], self.wards[ward], day, people[first:last]

    def keep(self, services: tuple[str, ...] | None, wards: list[str] | None, start: date | None, end: date | None,
             people: BitMap | None, people_count: int) -> np.ndarray:
        """Boolean mask of the rows inside the filters (``None``: not filtered on that)."""
        mask = np.ones(len(self), dtype=bool)
        if services is not None:
            mask &= self._allowed(self.services, services)[self.service]
        if wards is not None:
            mask &= self._allowed(self.wards, wards)[self.ward]
        if start is not None:
            mask &= self.day >= day_number(start)
        if end is not None:
            mask &= self.day <= day_number(end)
        if people is not None:
            allowed = np.zeros(people_count + 1, dtype=bool)
            allowed[to_ids(people)] = True
            mask &= allowed[self.person]
        return mask

    @staticmethod
    def _allowed(known: tuple[str, ...], wanted: Iterable[str]) -> np.ndarray:
        allowed = np.zeros(len(known), dtype=bool)
        position = {value: i for i, value in enumerate(known)}
        allowed[[position[w] for w in wanted if w in position]] = True
        return allowed


@dataclass(frozen=True)
class FamilyLinks:
    """Distinct (carer, child) relationships resolved through merges: a key per carer (every carer, reached
    or not), and each side's person id (0 when the reference has no attended engagement)."""

    carer_key: np.ndarray
    carer: np.ndarray
    child: np.ndarray

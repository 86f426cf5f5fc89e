"""Reach counted on compressed bitmaps of people (no I/O): the fast path of /api/v1/reach.

Every resolved individual gets a dense integer id. For each (service, ward,
day) with attended contacts there is a roaring bitmap of the ids reached; per
(service, ward, month) the union of its days is kept as well. Person attributes
(beneficiary type, gender, ethnicity, age band) are bitmaps too. A question is
answered by OR-ing the cells inside the filters (whole months from the month
bitmaps, the partial months at each end from the day bitmaps), AND-ing the
attribute bitmaps, and taking cardinalities: distinct counts without touching
a single engagement row. The index also keeps every attended engagement as columns of integers
(:mod:`leap_reporter.domain.contact_rows`) and the family links, for the engagement-pattern figures
(:mod:`leap_reporter.domain.bitmap_patterns`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from pyroaring import BitMap

from leap_reporter.domain.contact_rows import ContactRows, FamilyLinks, to_bitmap
from leap_reporter.domain.filters import ReachFilters

PERSON_ATTRIBUTES = ("beneficiary_type", "gender", "ethnicity", "age_band")


def _month(day: date) -> date:
    return day.replace(day=1)


def _inside(first: date, last: date, start: date | None, end: date | None) -> bool:
    return (start is None or start <= first) and (end is None or last <= end)


def _overlaps(first: date, last: date, start: date | None, end: date | None) -> bool:
    return (start is None or start <= last) and (end is None or first <= end)


ALL_WARDS = "*"
Cells = dict[str, dict[str, dict[date, BitMap]]]  # service -> ward (or ALL_WARDS) -> day or month -> people


@dataclass
class BitmapIndex:
    version: int
    days: Cells = field(default_factory=dict)
    months: Cells = field(default_factory=dict)
    years: Cells = field(default_factory=dict)
    ever: dict[str, dict[str, BitMap]] = field(default_factory=dict)  # service -> ward -> everyone, any date
    attributes: dict[tuple[str, str], BitMap] = field(default_factory=dict)
    wards: dict[str, str] = field(default_factory=dict)  # ward code -> name ("" is "no ward")
    people: int = 0
    rows: ContactRows | None = None  # every attended engagement, for the pattern figures
    links: FamilyLinks | None = None

    @classmethod
    def build(cls, version: int, cells: Iterable[tuple[str, str, date, list[int] | BitMap]],
              attributes: Iterable[tuple[str, str, list[int]]], wards: dict[str, str], people: int) -> BitmapIndex:
        """``cells``: (service, ward code or "", day, ids or a BitMap); every ward is also folded into ALL_WARDS."""
        index = cls(version, wards=wards, people=people)
        grouped: dict[tuple[str, str, date], list[BitMap]] = defaultdict(list)
        for service, ward, day, ids in cells:
            bitmap = ids if isinstance(ids, BitMap) else BitMap(ids)
            index.days.setdefault(service, {}).setdefault(ward, {})[day] = bitmap
            grouped[(service, ALL_WARDS, day)].append(bitmap)
        for (service, ward, day), maps in grouped.items():
            index.days[service].setdefault(ward, {})[day] = BitMap.union(*maps)
        for service, by_ward in index.days.items():
            for ward, by_day in by_ward.items():
                months: dict[date, list[BitMap]] = defaultdict(list)
                for day, bitmap in by_day.items():
                    months[_month(day)].append(bitmap)
                index.months.setdefault(service, {})[ward] = {m: BitMap.union(*maps) for m, maps in months.items()}
                years: dict[date, list[BitMap]] = defaultdict(list)
                for month, bitmap in index.months[service][ward].items():
                    years[month.replace(month=1)].append(bitmap)
                index.years.setdefault(service, {})[ward] = {y: BitMap.union(*maps) for y, maps in years.items()}
                index.ever.setdefault(service, {})[ward] = BitMap.union(*index.years[service][ward].values())
        index.attributes = {(name, value): BitMap(ids) for name, value, ids in attributes}
        return index

    @classmethod
    def from_rows(cls, version: int, rows: ContactRows, attributes: Iterable[tuple[str, str, list[int]]],
                  wards: dict[str, str], people: int, links: FamilyLinks) -> BitmapIndex:
        """The cells grouped from the engagement columns, which the index keeps for the pattern figures."""
        cells = ((service, ward, day, to_bitmap(ids)) for service, ward, day, ids in rows.cells())
        index = cls.build(version, cells, attributes, wards, people)
        index.rows, index.links = rows, links
        return index

    def describe(self) -> str:
        days = sum(len(d) for w in self.days.values() for d in w.values())
        return f"{self.people:,} people, {days:,} day cells (wards and all wards)"

    def _wards(self, wanted: str | None) -> list[str]:
        if wanted is None:
            return [ALL_WARDS]
        w = wanted.lower()
        return [code for code, name in self.wards.items() if code and (code.lower() == w or (name or "").lower() == w)]

    def people_mask(self, filters: ReachFilters) -> BitMap | None:
        masks = [self.attributes.get((a, getattr(filters, a)), BitMap()) for a in PERSON_ATTRIBUTES
                 if getattr(filters, a) is not None]
        return BitMap.intersection(*masks) if masks else None

    def _cells(self, service: str, ward: str, start: date | None, end: date | None) -> list[BitMap]:
        """The fewest bitmaps covering the range: all time, whole years, whole months, then single days."""
        if start is None and end is None:
            everyone = self.ever.get(service, {}).get(ward)
            return [everyone] if everyone is not None else []
        found = []
        months = self.months.get(service, {}).get(ward, {})
        days = self.days.get(service, {}).get(ward, {})
        for year, bitmap in self.years.get(service, {}).get(ward, {}).items():
            if _inside(year, date(year.year, 12, 31), start, end):
                found.append(bitmap)
            elif _overlaps(year, date(year.year, 12, 31), start, end):
                for month in (date(year.year, m, 1) for m in range(1, 13)):
                    last_day = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
                    if month not in months or not _overlaps(month, last_day, start, end):
                        continue
                    if _inside(month, last_day, start, end):
                        found.append(months[month])
                        continue
                    day, stop = max(month, start or month), min(last_day, end or last_day)
                    while day <= stop:
                        if day in days:
                            found.append(days[day])
                        day += timedelta(days=1)
        return found

    def count(self, filters: ReachFilters) -> tuple[int, dict[str, int]]:
        """(unique individuals, unique individuals per service), exactly as the SQL path counts them."""
        codes = filters.service_codes
        if codes == ():
            return 0, {}
        wards, mask = self._wards(filters.ward), self.people_mask(filters)
        reached, counts = [], {}
        for service in (self.days if codes is None else [c for c in codes if c in self.days]):
            maps = [m for ward in wards for m in self._cells(service, ward, filters.date_from, filters.date_to)]
            if not maps:
                continue
            people = maps[0] if len(maps) == 1 else BitMap.union(*maps)
            n = len(people) if mask is None else people.intersection_cardinality(mask)
            if n:
                reached.append(people)
                counts[service] = n
        if not reached:
            return 0, {}
        everyone = reached[0] if len(reached) == 1 else BitMap.union(*reached)
        return (len(everyone) if mask is None else everyone.intersection_cardinality(mask)), counts

    def people_by_service(self, filters: ReachFilters, start: date | None, end: date | None,
                          wards: list[str] | None = None) -> dict[str, BitMap]:
        """Per service, the people reached in [start, end] within the other filters (attribute mask applied)."""
        codes = filters.service_codes
        if codes == ():
            return {}
        wards, mask = wards if wards is not None else self._wards(filters.ward), self.people_mask(filters)
        found = {}
        for service in (self.days if codes is None else [c for c in codes if c in self.days]):
            maps = [m for ward in wards for m in self._cells(service, ward, start, end)]
            people = BitMap.union(*maps) if maps else BitMap()
            if mask is not None:
                people &= mask
            if people:
                found[service] = people
        return found

    def ward_codes(self, wanted: str | None) -> list[str]:
        """The ward codes a ward filter matches; unfiltered, every ward with contacts ("" is "no ward")."""
        if wanted is not None:
            return self._wards(wanted)
        return sorted({ward for by_ward in self.days.values() for ward in by_ward if ward != ALL_WARDS})

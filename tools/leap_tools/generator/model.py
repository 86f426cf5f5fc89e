"""Plain data: people, families, per-service profiles and logical rows.

A `Row` holds canonical values (what was meant), never a rendering; the
renderer varies notation, the truth reads canonical values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WINDOW_START = dt.date(2024, 1, 1)
WINDOW_END = dt.date(2025, 12, 31)


@dataclass(slots=True)
class Person:
    seq: int
    role: str  # mother | father | child
    first: str
    last: str
    gender: str  # female | male | other
    dob: dt.date
    nhs: str
    email: str | None = None
    mobile: str | None = None


@dataclass(slots=True)
class Family:
    fid: int
    postcode: str
    move: tuple[dt.date, str] | None
    mother: Person | None
    father: Person | None
    children: list[Person]
    pregnancy: tuple[dt.date, dt.date] | None  # contact window while pregnant
    language: str
    ethnicity: str
    scenario: str | None = None  # split_adult | bridge_adult | None

    @property
    def carers(self) -> list[Person]:
        return [p for p in (self.mother, self.father) if p is not None]

    def postcode_on(self, day: dt.date) -> str:
        if self.move is not None and day >= self.move[0]:
            return self.move[1]
        return self.postcode


@dataclass(slots=True)
class Profile:
    """What one service's records hold about one person."""

    service: str
    person: Person
    kind: str  # child | adult
    btype: str  # canonical beneficiary_type
    prid: str
    start: dt.date
    end: dt.date
    contacts: int
    nhs: str | None = None
    email: str | None = None
    mobile: str | None = None
    carer_email: str | None = None
    carer_mobile: str | None = None
    first_name: str | None = None  # as this service recorded it, when not the person's (errors.py)
    dob: dt.date | None = None  # as this service recorded it, when not the person's (errors.py)


@dataclass(slots=True)
class Row:
    """One contact row, canonical values; `defect` names why it must be rejected."""

    service: str
    person: int
    kind: str
    btype: str
    prid: str
    date: dt.date
    attended: bool | None = None
    postcode: str | None = None
    nhs: str | None = None
    email: str | None = None
    mobile: str | None = None
    carer_email: str | None = None
    carer_mobile: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    dob: dt.date | None = None
    gender: str | None = None
    ethnicity: str | None = None
    language: str | None = None
    engagement_type: str | None = None
    defect: str | None = None

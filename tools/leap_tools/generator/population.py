"""Families: carers, children (siblings, twins), pregnancies, home postcode.

Everything is drawn from the one `random.Random` passed in, so a family is a
pure function of the generator state; identifiers come from `identifiers`
and are unique by construction.
"""

from __future__ import annotations

import datetime as dt
import random

from leap_tools.generator import identifiers as ids
from leap_tools.generator import names
from leap_tools.generator.model import WINDOW_END, WINDOW_START, Family, Person
from leap_tools.generator.places import OTHER_WARD, PROGRAMME_WARDS, PostcodeTable

_DAY = dt.timedelta(days=1)
_CHILD_DOB = (dt.date(2019, 6, 1), dt.date(2025, 10, 31))
_BABY_DOB = (dt.date(2024, 3, 1), dt.date(2026, 3, 31))


class Sequences:
    """Counters for people, families and each service's provider record ids."""

    def __init__(self) -> None:
        self.person = 0
        self.family = 0
        self.prid: dict[str, int] = {}

    def next_person(self) -> int:
        self.person += 1
        return self.person

    def next_prid(self, service: str) -> int:
        n = self.prid.get(service, 0) + 1
        self.prid[service] = n
        return n


def random_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return dt.date.fromordinal(lo.toordinal() + int(rng.random() * ((hi - lo).days + 1)))


def _adult(rng: random.Random, seqs: Sequences, role: str, last: str) -> Person:
    seq = seqs.next_person()
    first = rng.choice(names.WOMEN if role == "mother" else names.MEN)
    email = None
    if rng.random() < 0.92:
        domain = rng.choice(names.EMAIL_DOMAINS)
        email = ids.email_for(seq, first, last, rng.randrange(4), domain)
    mobile = ids.mobile_for(seq) if rng.random() < 0.95 else None
    return Person(
        seq, role, first, last, "female" if role == "mother" else "male",
        random_date(rng, dt.date(1978, 1, 1), dt.date(2005, 12, 31)),
        ids.nhs_number_for(seq), email, mobile,
    )


def _child(rng: random.Random, seqs: Sequences, last: str, dob: dt.date,
           gender: str | None = None, first: str | None = None) -> Person:
    if gender is None:
        roll = rng.random()
        gender = "female" if roll < 0.48 else "male" if roll < 0.96 else "other"
    if first is None:
        pool = {"female": names.GIRLS, "male": names.BOYS}.get(gender, names.NEUTRAL)
        first = rng.choice(pool)
    seq = seqs.next_person()
    return Person(seq, "child", first, last, gender, dob, ids.nhs_number_for(seq))


def _twins(rng: random.Random, seqs: Sequences, last: str, dob: dt.date) -> list[Person]:
    if rng.random() < 0.4:  # look-alike pair: one child under the child-key rule
        gender = rng.choice(("female", "male"))
        a, b = rng.choice(names.LOOKALIKE_TWINS[gender])
        return [_child(rng, seqs, last, dob, gender, a), _child(rng, seqs, last, dob, gender, b)]
    first = _child(rng, seqs, last, dob)
    second = _child(rng, seqs, last, dob)
    return [first, second]


def _home(rng: random.Random, table: PostcodeTable) -> str:
    ward = rng.choice(PROGRAMME_WARDS) if rng.random() < 0.95 else OTHER_WARD
    return rng.choice(table.by_ward[ward])


def make_family(rng: random.Random, seqs: Sequences, table: PostcodeTable) -> Family:
    seqs.family += 1
    last = rng.choice(names.SURNAMES)
    mother = _adult(rng, seqs, "mother", last) if rng.random() < 0.95 else None
    father = None
    if mother is None or rng.random() < 0.45:
        father_last = last if rng.random() < 0.7 else rng.choice(names.SURNAMES)
        father = _adult(rng, seqs, "father", father_last)

    children: list[Person] = []
    for _ in range(rng.choices((0, 1, 2, 3), (0.15, 0.45, 0.28, 0.12))[0]):
        dob = random_date(rng, *_CHILD_DOB)
        if rng.random() < 0.04:
            children.extend(_twins(rng, seqs, last, dob))
        else:
            children.append(_child(rng, seqs, last, dob))

    pregnancy = None
    if mother is not None and (not children or rng.random() < 0.35):
        due = random_date(rng, *_BABY_DOB)
        start, end = max(WINDOW_START, due - 270 * _DAY), min(WINDOW_END, due - _DAY)
        if start <= end:
            pregnancy = (start, end)
        if due <= WINDOW_END:
            if rng.random() < 0.03:
                children.extend(_twins(rng, seqs, last, due))
            else:
                children.append(_child(rng, seqs, last, due))

    move = None
    home = _home(rng, table)
    if rng.random() < 0.05:
        move = (random_date(rng, WINDOW_START, WINDOW_END), _home(rng, table))

    scenario = None
    if mother is not None or father is not None:
        roll = rng.random()
        scenario = "split_adult" if roll < 0.025 else "bridge_adult" if roll < 0.04 else None
    return Family(
        seqs.family, home, move, mother, father, children, pregnancy,
        rng.choice(names.LANGUAGES), rng.choice(names.ETHNICITIES), scenario,
    )

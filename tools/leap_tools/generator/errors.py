"""Realistic recording errors, each at a known, configurable rate.

An error is made per record of a person in one service (a `Profile`): a
provider that mistyped a name mistypes it on every contact row. Errors are
drawn from their own random stream and never touch a placeholder or junk
value (findings), so the population, the services used, the rejected rows and
the rendering are the same whatever the rates; with every rate zero, nothing
is drawn and the outputs are exactly those of a generator without errors.

Kinds (the rate is the probability per profile that the error is made, where
it can be; `applied` in truth.json counts the profiles it was made on):
- name_typo: one letter of the first name replaced, dropped or doubled;
- name_transposition: two adjacent letters of the first name swapped;
- name_variant: a nickname or spelling variant (`variants.VARIANTS`);
- dob_day_month_swap: day and month of the date of birth swapped (days 1-12
  that differ from the month);
- changed_email / changed_mobile: the person's other (old) address or number,
  on their own record, or as the carer's contact on a child's record;
- carer_missing: a child's record holds no carer contact at all (the carer is
  recorded on one child and not on another).
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections import Counter
from dataclasses import asdict, dataclass, fields

from leap_tools.generator import identifiers as ids
from leap_tools.generator.model import Family, Person, Profile
from leap_tools.generator.variants import VARIANTS

_OLD_MOBILE_OFFSET = 100_000_000  # mobile_for(seq + offset): unique, never anyone's current number


@dataclass(frozen=True, slots=True)
class ErrorRates:
    name_typo: float = 0.0
    name_transposition: float = 0.0
    name_variant: float = 0.0
    dob_day_month_swap: float = 0.0
    changed_email: float = 0.0
    changed_mobile: float = 0.0
    carer_missing: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            if not 0.0 <= getattr(self, f.name) <= 1.0:
                raise ValueError(f"error rate {f.name} must be between 0 and 1")

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def to_json(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def parse(cls, text: str) -> ErrorRates:
        """`realistic`, `none`, or `kind=rate,...` (unnamed kinds are zero)."""
        if text in PRESETS:
            return PRESETS[text]
        values = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, _, rate = part.partition("=")
            if name.strip() not in {f.name for f in fields(cls)}:
                raise ValueError(f"unknown error kind {name.strip()!r}")
            values[name.strip()] = float(rate)
        return cls(**values)


REALISTIC = ErrorRates(name_typo=0.03, name_transposition=0.01, name_variant=0.04,
                       dob_day_month_swap=0.01, changed_email=0.05, changed_mobile=0.05,
                       carer_missing=0.05)
"""Orders of magnitude from the linkage literature (ALSPAC, Hagger-Johnson et al. 2015)."""
PRESETS = {"none": ErrorRates(), "realistic": REALISTIC}


def old_email(person: Person) -> str | None:
    """The person's other address: unique to them (ends in their sequence number)."""
    if person.email is None:
        return None
    letters = ids.ascii_letters(person.first + person.last) or "x"
    return f"{letters}.{person.seq}@old-mail.co.uk"


def old_mobile(person: Person) -> str | None:
    return None if person.mobile is None else ids.mobile_for(person.seq + _OLD_MOBILE_OFFSET)


def _letter_positions(name: str) -> list[int]:
    return [i for i, c in enumerate(name) if c.isalpha()]


class ErrorInjector:
    def __init__(self, rates: ErrorRates, seed: int) -> None:
        self.rates = rates
        self.rng = random.Random(f"errors:{seed}")
        self.applied: Counter[str] = Counter()
        self.profiles = 0

    def apply(self, family: Family, profiles: list[Profile]) -> None:
        if not self.rates.any:
            return
        for prof in profiles:
            self.profiles += 1
            self._name(prof)
            self._dob(prof)
            self._contacts(family, prof)

    def _roll(self, kind: str) -> bool:
        return self.rng.random() < getattr(self.rates, kind)

    def _name(self, prof: Profile) -> None:
        name = prof.person.first
        if self._roll("name_variant") and name in VARIANTS:
            name = self.rng.choice(VARIANTS[name])
            self.applied["name_variant"] += 1
        if self._roll("name_typo"):
            name = self._typo(name)
            self.applied["name_typo"] += 1
        if self._roll("name_transposition"):
            swapped = self._transpose(name)
            if swapped != name:
                name = swapped
                self.applied["name_transposition"] += 1
        if name != prof.person.first:
            prof.first_name = name

    def _typo(self, name: str) -> str:
        at = _letter_positions(name)
        if len(at) < 2:
            return name + self.rng.choice(string.ascii_lowercase)
        i = at[self.rng.randrange(1, len(at))] if self.rng.random() < 0.85 else at[0]
        op, letter = self.rng.randrange(3), self.rng.choice(string.ascii_lowercase)
        if i == 0:
            letter = letter.upper()
        if op == 0:
            return name[:i] + letter + name[i + 1:]
        if op == 1:
            return name[:i] + name[i + 1:]
        return name[:i] + name[i] + name[i:]

    def _transpose(self, name: str) -> str:
        pairs = [i for i in range(len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()
                 and name[i].lower() != name[i + 1].lower()]
        if not pairs:
            return name
        i = self.rng.choice(pairs)
        a, b = name[i], name[i + 1]
        if i == 0:
            a, b = a.lower(), b.upper()
        return name[:i] + b + a + name[i + 2:]

    def _dob(self, prof: Profile) -> None:
        dob = prof.person.dob
        if not self._roll("dob_day_month_swap") or dob.day > 12 or dob.day == dob.month:
            return
        prof.dob = dt.date(dob.year, dob.day, dob.month)
        self.applied["dob_day_month_swap"] += 1

    def _contacts(self, family: Family, prof: Profile) -> None:
        if prof.kind == "child":
            if prof.carer_email is None and prof.carer_mobile is None:
                return
            carer = next((c for c in family.carers if prof.carer_email in (c.email, None)
                          and prof.carer_mobile in (c.mobile, None)), None)
            if carer is None:  # a placeholder stays (a finding, not an error of this kind)
                return
            if self._roll("carer_missing"):
                prof.carer_email = prof.carer_mobile = None
                self.applied["carer_missing"] += 1
                return
            self._change(prof, "carer_email", carer.email, old_email(carer), "changed_email")
            self._change(prof, "carer_mobile", carer.mobile, old_mobile(carer), "changed_mobile")
        else:
            self._change(prof, "email", prof.person.email, old_email(prof.person), "changed_email")
            self._change(prof, "mobile", prof.person.mobile, old_mobile(prof.person), "changed_mobile")

    def _change(self, prof: Profile, attr: str, current: str | None, old: str | None, kind: str) -> None:
        if current is None or getattr(prof, attr) != current or not self._roll(kind):
            return
        setattr(prof, attr, old)
        self.applied[kind] += 1

    def to_json(self) -> dict:
        return {"rates": self.rates.to_json(), "profiles": self.profiles,
                "applied": {f.name: self.applied[f.name] for f in fields(ErrorRates)}}

"""Which services a family uses, who takes part, and what each service's
records hold about each participant (a `Profile`)."""

from __future__ import annotations

import datetime as dt
import random

from leap_tools.generator import identifiers as ids
from leap_tools.generator.catalogue import BY_CODE, SERVICES, Service
from leap_tools.generator.layout import FileLayout
from leap_tools.generator.model import WINDOW_END, WINDOW_START, Family, Person, Profile
from leap_tools.generator.population import Sequences, random_date

_DAY = dt.timedelta(days=1)
_PRID_STYLES = (
    lambda code, n: f"{code}{n:06d}",
    lambda code, n: str(n),
    lambda code, n: f"{code}-{n:05d}",
    lambda code, n: f"LEAP/{code}/{n:06d}",
    lambda code, n: f"{code.lower()}_{n}",
)
_STYLE_OF = {s.code: _PRID_STYLES[i % len(_PRID_STYLES)] for i, s in enumerate(SERVICES)}
_MATERNITY_NHS = ("CLM", "GPC", "MPC")
_SCENARIO_SERVICES = tuple(s for s in SERVICES if not s.nhs and s.audience in ("parent", "family"))


def child_window(child: Person) -> tuple[dt.date, dt.date] | None:
    """Engagement window of a child: born and under five, within 2024-2025."""
    dob = child.dob
    fifth = dt.date(dob.year + 5, 3, 1) if (dob.month, dob.day) == (2, 29) else dob.replace(year=dob.year + 5)
    start, end = max(WINDOW_START, dob), min(WINDOW_END, fifth - _DAY)
    return (start, end) if start <= end else None


def _audiences(family: Family) -> set[str]:
    kids = any(child_window(c) for c in family.children)
    flags = {
        "maternity": family.pregnancy is not None,
        "mother": family.mother is not None and infant_window(family) is not None,
        "parent": bool(family.carers),
        "child": kids,
        "family": kids and bool(family.carers),
    }
    return {audience for audience, ok in flags.items() if ok}


def infant_window(family: Family) -> tuple[dt.date, dt.date] | None:
    dobs = [c.dob for c in family.children if c.dob >= dt.date(2023, 1, 1)]
    if not dobs:
        return None
    born = max(dobs)
    start, end = max(WINDOW_START, born), min(WINDOW_END, born + 365 * _DAY)
    return (start, end) if start <= end else None


def choose_services(rng: random.Random, family: Family) -> list[Service]:
    audiences = _audiences(family)
    eligible = [s for s in SERVICES if s.audience in audiences]
    chosen: list[Service] = []
    if family.pregnancy is not None:
        chosen = [BY_CODE[c] for c in _MATERNITY_NHS if rng.random() < 0.45]
    wanted = 1 + min(int(rng.expovariate(1 / 1.3)), 6)
    pool = [s for s in eligible if s not in chosen]
    while pool and len(chosen) < wanted:
        pick = rng.choices(pool, [s.weight for s in pool])[0]
        chosen.append(pick)
        pool.remove(pick)
    return chosen


CONTACTS_SCALE = 1.2  # tunes rows per individual (~1M rows for ~150k individuals)


def _contacts(rng: random.Random, mean: float) -> int:
    extra = mean * CONTACTS_SCALE - 1
    return 1 + min(int(rng.expovariate(1 / extra)) if extra > 0 else 0, 40)


def _span(rng: random.Random, window: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    start = random_date(rng, *window)
    return start, min(window[1], start + rng.randint(14, 400) * _DAY)


def _nhs(rng: random.Random, person: Person, nhs_service: bool, has_column: bool) -> str | None:
    if not has_column or (not nhs_service and rng.random() >= 0.12):
        return None
    roll = rng.random()
    if roll < 0.025:
        return ids.mistyped_nhs_number(person.nhs, rng.randrange(9))
    if nhs_service and roll < 0.04:
        return rng.choice(ids.GENERATED_JUNK_NHS)
    return person.nhs


def _email(rng: random.Random, person: Person, p_known: float) -> str | None:
    roll = rng.random()
    if roll < 0.04:
        return rng.choice(ids.PLACEHOLDER_EMAILS)
    return person.email if roll < p_known else None


def adult_profile(rng: random.Random, seqs: Sequences, service: Service, layout: FileLayout,
                  person: Person, btype: str, window: tuple[dt.date, dt.date]) -> Profile:
    start, end = _span(rng, window)
    cols = layout.columns
    prof = Profile(service.code, person, "adult", btype, _prid(seqs, service.code), start, end,
                   _contacts(rng, service.contacts))
    prof.nhs = _nhs(rng, person, service.nhs, "nhs_number" in cols)
    prof.email = _email(rng, person, 0.6 if service.nhs else 0.88)
    if rng.random() < 0.01 and not service.nhs:
        prof.mobile = ids.JUNK_MOBILES[0]
    elif rng.random() < (0.8 if service.nhs else 0.75):
        prof.mobile = person.mobile
    return prof


def child_profile(rng: random.Random, seqs: Sequences, service: Service, layout: FileLayout,
                  child: Person, carer: Person | None) -> Profile:
    window = child_window(child)
    assert window is not None
    start, end = _span(rng, window)
    cols = layout.columns
    prof = Profile(service.code, child, "child", "child", _prid(seqs, service.code), start, end,
                   _contacts(rng, service.contacts))
    prof.nhs = _nhs(rng, child, service.nhs, "nhs_number" in cols)
    if carer is not None:
        prof.carer_email = _email(rng, carer, 0.5 if service.nhs else 0.9)
        if "primary_carer_mobile" in cols and rng.random() < 0.7:
            prof.carer_mobile = carer.mobile
    return prof


def _prid(seqs: Sequences, code: str) -> str:
    return _STYLE_OF[code](code, seqs.next_prid(code))


def scenario_profiles(rng: random.Random, seqs: Sequences, family: Family,
                      layouts: dict[str, FileLayout], used: list[Service]) -> list[Profile]:
    """An adult known by mobile only in one service and by e-mail only in
    another (two individuals under the rules); for `bridge_adult`, a later
    third service holds both and joins them."""
    carer = family.mother or family.father
    if carer is None or carer.email is None or carer.mobile is None:
        return []
    pool = [s for s in _SCENARIO_SERVICES if s not in used]
    picks = rng.sample(pool, 3 if family.scenario == "bridge_adult" else 2)
    early = (WINDOW_START, dt.date(2024, 12, 31))
    late = (dt.date(2025, 1, 1), WINDOW_END)
    out = []
    for i, service in enumerate(picks):
        window = late if i == 2 else early
        prof = adult_profile(rng, seqs, service, layouts[service.code], carer, "parent", window)
        prof.nhs = None
        prof.email = carer.email if i >= 1 else None
        prof.mobile = carer.mobile if i != 1 else None
        out.append(prof)
    return out

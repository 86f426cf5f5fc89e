"""A family's contact rows: profiles per (person, service) expanded into one
`Row` per contact, with the per-row gaps real files have."""

from __future__ import annotations

import datetime as dt
import random

from leap_tools.generator import names
from leap_tools.generator.catalogue import Service
from leap_tools.generator.errors import ErrorInjector
from leap_tools.generator.layout import FileLayout
from leap_tools.generator.model import WINDOW_END, WINDOW_START, Family, Profile, Row
from leap_tools.generator.population import Sequences
from leap_tools.generator.profiles import (
    adult_profile,
    child_profile,
    child_window,
    choose_services,
    infant_window,
    scenario_profiles,
)

_FULL = (WINDOW_START, WINDOW_END)
_ADULT_TYPES = ("parent", "parent", "carer", "adult")
_TYPES = names.ENGAGEMENT_TYPES


def _participants(rng: random.Random, seqs: Sequences, family: Family, service: Service,
                  layout: FileLayout) -> list[Profile]:
    aud = service.audience
    primary = family.mother or family.father
    out: list[Profile] = []
    if aud == "maternity":
        btype = "pregnant woman" if rng.random() < 0.7 else "adult"
        out.append(adult_profile(rng, seqs, service, layout, family.mother, btype, family.pregnancy))
    elif aud == "mother":
        out.append(adult_profile(rng, seqs, service, layout, family.mother,
                                 rng.choice(_ADULT_TYPES), infant_window(family)))
    elif aud in ("parent", "family"):
        out.append(adult_profile(rng, seqs, service, layout, primary, rng.choice(_ADULT_TYPES), _FULL))
        other = family.father if primary is family.mother else None
        if other is not None and rng.random() < 0.25:
            out.append(adult_profile(rng, seqs, service, layout, other, rng.choice(_ADULT_TYPES), _FULL))
    if aud in ("child", "family"):
        kids = [c for c in family.children if child_window(c)]
        taking = [c for c in kids if rng.random() < 0.8] or [rng.choice(kids)]
        for child in taking:
            carer = primary
            if family.mother is not None and family.father is not None and rng.random() < 0.1:
                carer = family.father
            out.append(child_profile(rng, seqs, service, layout, child, carer))
    return out


def _dates(rng: random.Random, prof: Profile) -> list[dt.date]:
    rand, days, start = rng.random, (prof.end - prof.start).days + 1, prof.start.toordinal()
    return [dt.date.fromordinal(o) for o in sorted(start + int(rand() * days) for _ in range(prof.contacts))]


def expand(rng: random.Random, family: Family, prof: Profile, layout: FileLayout) -> list[Row]:
    """One row per contact; optional columns the file lacks stay empty."""
    cols = set(layout.columns)
    person, child = prof.person, prof.kind == "child"
    first, dob = prof.first_name or person.first, prof.dob or person.dob
    rand = rng.random
    has = {c: c in cols for c in ("postcode", "attended", "last_name", "ethnicity",
                                  "first_language", "engagement_type", "first_name",
                                  "date_of_birth", "gender")}
    rows = []
    for day in _dates(rng, prof):
        row = Row(prof.service, person.seq, prof.kind, prof.btype, prof.prid, day)
        row.nhs = prof.nhs if rand() >= 0.03 else None
        if child:
            row.carer_email = prof.carer_email if rand() >= 0.04 else None
            row.carer_mobile = prof.carer_mobile
            row.first_name, row.dob, row.gender = first, dob, person.gender
        else:
            row.email = prof.email if rand() >= 0.05 else None
            row.mobile = prof.mobile if rand() >= 0.05 else None
            if has["first_name"] and rand() < 0.95:
                row.first_name = first
            if has["date_of_birth"] and rand() < 0.6:
                row.dob = dob
            if has["gender"] and rand() < 0.8:
                row.gender = "unknown" if rand() < 0.1 else person.gender
        if has["postcode"] and rand() < 0.9:
            row.postcode = family.postcode_on(day)
        if has["attended"]:
            roll = rand()
            row.attended = False if roll < 0.05 else None if roll < 0.15 else True
        if has["last_name"] and rand() < 0.9:
            row.last_name = person.last
        if has["ethnicity"] and rand() < 0.85:
            row.ethnicity = family.ethnicity
        if has["first_language"] and rand() < 0.85:
            row.language = family.language
        if has["engagement_type"] and rand() < 0.9:
            row.engagement_type = _TYPES[int(rand() * len(_TYPES))]
        rows.append(row)
    return rows


def family_rows(rng: random.Random, seqs: Sequences, family: Family,
                layouts: dict[str, FileLayout], errors: ErrorInjector | None = None) -> list[Row]:
    services = choose_services(rng, family)
    profiles: list[Profile] = []
    for service in services:
        profiles.extend(_participants(rng, seqs, family, service, layouts[service.code]))
    if family.scenario is not None:
        profiles.extend(scenario_profiles(rng, seqs, family, layouts, services))
    if errors is not None:
        errors.apply(family, profiles)
    rows: list[Row] = []
    for prof in profiles:
        rows.extend(expand(rng, family, prof, layouts[prof.service]))
    return rows

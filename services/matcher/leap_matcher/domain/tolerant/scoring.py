"""Fellegi-Sunter scoring of two exact individuals from their agreement pattern.

Weights are in bits; a match key's agreement weight is lowered by term frequency:
a key token held by n individuals gives log2(n / 2) bits less (n = 2: the pair
alone, no adjustment)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from leap_matcher.domain.tolerant.model import KEY_NAMES, TolerantSettings


@dataclass(slots=True)
class Individual:
    """An exact individual's evidence: every record's match keys and attributes, pooled."""

    label: str
    keys: dict[str, set[str]] = field(default_factory=dict)
    nhs: set[str] = field(default_factory=set)
    carers: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    genders: set[str] = field(default_factory=set)
    wards: set[str] = field(default_factory=set)
    ethnicities: set[str] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)


def _compare(a: set[str], b: set[str]) -> str:
    if not a or not b:
        return "missing"
    return "agree" if a & b else "disagree"


def score(a: Individual, b: Individual, holders: Mapping[str, int],
          settings: TolerantSettings) -> tuple[float, dict[str, str]]:
    """(score in bits, agreement pattern) of two individuals; ``holders[token]`` = individuals holding it."""
    total, pattern = settings.prior, {}
    for name in KEY_NAMES:
        mine = {t for t in a.keys.get(name, ()) if holders.get(t, 0) <= settings.max_block}
        theirs = {t for t in b.keys.get(name, ()) if holders.get(t, 0) <= settings.max_block}
        state = _compare(mine, theirs)
        pattern[name] = state
        if state == "agree":
            commonest = max(holders.get(t, 2) for t in mine & theirs)
            total += settings.key_agree[name] - math.log2(max(commonest, 2) / 2)
    if pattern["mk_carer_email_dob"] == "agree" and pattern["mk_carer_email_name"] == "disagree":
        pattern["name_conflict"] = "yes"
        total += settings.name_conflict
    if pattern["mk_dob_postcode"] == "disagree" and "agree" in (pattern["mk_name_dob"], pattern["mk_prefix_dob_swap"]):
        pattern["postcode_conflict"] = "yes"
        total += settings.postcode_conflict
    if pattern["mk_full_name_dob"] == "disagree" and pattern["mk_name_dob"] == "agree":
        pattern["spelling_conflict"] = "yes"
        total += settings.spelling_conflict
    pattern["carer"] = _compare(a.carers, b.carers)
    if pattern["carer"] == "disagree":
        total += settings.carer_conflict
    elif pattern["carer"] == "agree":
        total += settings.carer_agree
    pattern["gender"] = _compare(a.genders, b.genders)
    total += {"agree": settings.gender_agree, "disagree": settings.gender_disagree}.get(pattern["gender"], 0.0)
    pattern["ward"] = _compare(a.wards, b.wards)
    total += {"agree": settings.ward_agree, "disagree": settings.ward_disagree}.get(pattern["ward"], 0.0)
    pattern["ethnicity"] = _compare(a.ethnicities, b.ethnicities)
    total += {"agree": settings.ethnicity_agree, "disagree": settings.ethnicity_disagree}.get(pattern["ethnicity"], 0.0)
    pattern["first_language"] = _compare(a.languages, b.languages)
    total += {"agree": settings.language_agree, "disagree": settings.language_disagree}.get(pattern["first_language"],
                                                                                            0.0)
    return round(total, 3), pattern

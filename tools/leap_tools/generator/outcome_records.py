"""Outcome records of one child: which measures fall due in the window, whether the source recorded them
(coverage gaps), the identifiers it holds (identifier quality), and a result drawn with a KNOWN effect of
engagement (EFFECT_MODEL): the odds of a good result multiply by ``ODDS_RATIO_PER_SERVICE`` for each
service the child engaged with, up to three."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from leap_tools.generator import identifiers as ids
from leap_tools.generator.model import WINDOW_END, WINDOW_START, Family, Person

ODDS_RATIO_PER_SERVICE = 1.3
"""Engagement's effect: odds of the good result (positive, or not positive when lower is better) per service."""

BASE_RATES = {
    "asq3_communication": 0.86, "asq3_gross_motor": 0.92, "asq3_fine_motor": 0.90,
    "asq3_problem_solving": 0.89, "asq3_personal_social": 0.90, "eyfsp_gld": 0.64,
    "breastfeeding_6_8_weeks": 0.55, "ncmp_excess_weight_reception": 0.21, "dental_decay_5": 0.24,
    "imms_6in1_12m": 0.90, "imms_mmr1_24m": 0.87, "imms_mmr2_5y": 0.78,
}
"""P(positive) for a child engaged with no service."""
LOWER_IS_BETTER = frozenset({"ncmp_excess_weight_reception", "dental_decay_5"})
RECORDED = {"HV": 0.90, "EDU": 0.95, "NCMP": 0.93, "DENTAL": 0.30, "CHIS": 0.97}
"""Share of the children due a measure whose source holds a record (the dental survey is a sample)."""
REVIEW_REPEATED = 0.04
"""Share of 2-2½ year reviews done again a few weeks later (a concern to follow up): two records of each domain
for one child, of which only the later counts (leap_contracts.outcomes.one_result)."""
ASQ_DOMAINS = ("asq3_communication", "asq3_gross_motor", "asq3_fine_motor", "asq3_problem_solving",
               "asq3_personal_social")
NHS_KNOWN = {"HV": 0.95, "EDU": 0.45, "NCMP": 0.85, "DENTAL": 0.6, "CHIS": 0.98}
CARER_EMAIL_KNOWN = {"HV": 0.6, "EDU": 0.75, "NCMP": 0.5, "DENTAL": 0.4, "CHIS": 0.3}


@dataclass(slots=True)
class OutcomeRow:
    source: str
    person: int
    prid: str
    measure: str
    measured_on: dt.date
    result: str
    positive: bool
    nhs: str | None
    first_name: str
    last_name: str
    dob: dt.date
    gender: str
    carer_email: str | None
    postcode: str | None
    defect: str | None = None


def p_positive(measure: str, services: int) -> float:
    base = BASE_RATES[measure]
    ratio = ODDS_RATIO_PER_SERVICE ** min(services, 3)
    odds = base / (1 - base) * (1 / ratio if measure in LOWER_IS_BETTER else ratio)
    return odds / (1 + odds)


def effect_model() -> dict:
    return {
        "odds_ratio_per_service": ODDS_RATIO_PER_SERVICE,
        "applies_to": "the good result: positive, or not positive for lower-is-better measures "
                      f"({', '.join(sorted(LOWER_IS_BETTER))}); services engaged counted up to 3, from the "
                      "child's true attended contacts",
        "p_positive": {m: {g: round(p_positive(m, n), 6) for g, n in (("0", 0), ("1", 1), ("2", 2), ("3+", 3))}
                       for m in BASE_RATES},
        "recorded_share_by_source": RECORDED,
    }


def _birthday(dob: dt.date, years: int) -> dt.date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        return dt.date(dob.year + years, 3, 1)


def _due(rng: random.Random, dob: dt.date) -> list[tuple[str, tuple[str, ...], dt.date]]:
    """(source, measures, day) of every review the child falls due."""
    day = dt.timedelta(days=1)
    reception_end = dt.date(dob.year + (5 if dob.month < 9 else 6), 6, 30)
    reception_start = dt.date(reception_end.year - 1, 10, 1)
    review = _birthday(dob, 2) + rng.randint(0, 170) * day
    repeated = [("HV", ASQ_DOMAINS, review + rng.randint(28, 56) * day)] if rng.random() < REVIEW_REPEATED else []
    return [
        ("HV", ("breastfeeding_6_8_weeks",), dob + rng.randint(42, 56) * day),
        ("HV", ASQ_DOMAINS, review), *repeated,
        ("EDU", ("eyfsp_gld",), reception_end),
        ("NCMP", ("ncmp_excess_weight_reception",),
         reception_start + rng.randint(0, (reception_end - reception_start).days) * day),
        ("DENTAL", ("dental_decay_5",), _birthday(dob, 5) + rng.randint(0, 300) * day),
        ("CHIS", ("imms_6in1_12m",), _birthday(dob, 1)),
        ("CHIS", ("imms_mmr1_24m",), _birthday(dob, 2)),
        ("CHIS", ("imms_mmr2_5y",), _birthday(dob, 5)),
    ]


def _result(rng: random.Random, measure: str, positive: bool) -> str:
    if measure == "breastfeeding_6_8_weeks":
        return rng.choice(("total", "partial")) if positive else ("unknown" if rng.random() < 0.1 else "none")
    if measure == "ncmp_excess_weight_reception":
        return f"{rng.uniform(85, 99.9) if positive else rng.uniform(0.4, 84.9):.1f}"
    if measure == "dental_decay_5":
        return str(rng.randint(1, 8)) if positive else "0"
    return "yes" if positive else "no"


def _nhs(rng: random.Random, child: Person, source: str) -> str | None:
    roll = rng.random()
    if roll >= NHS_KNOWN[source]:
        return None
    return ids.mistyped_nhs_number(child.nhs, rng.randrange(9)) if roll < 0.01 else child.nhs


def _carer_email(rng: random.Random, family: Family, source: str) -> str | None:
    if rng.random() >= CARER_EMAIL_KNOWN[source]:
        return None
    carers = [c for c in family.carers if c.email]
    if not carers:
        return None
    return carers[-1].email if len(carers) > 1 and rng.random() < 0.1 else carers[0].email


def child_outcomes(rng: random.Random, family: Family, child: Person, services: int) -> list[OutcomeRow]:
    """The child's records dated within the window; ``services``: how many it truly engaged with."""
    rows: list[OutcomeRow] = []
    for source, measures, day in _due(rng, child.dob):
        if not WINDOW_START <= day <= WINDOW_END or rng.random() >= RECORDED[source]:
            continue
        nhs, carer = _nhs(rng, child, source), _carer_email(rng, family, source)
        postcode = family.postcode_on(day) if rng.random() < 0.9 else None
        prid = f"{source}{child.seq:09d}"
        for measure in measures:
            if len(measures) > 1 and rng.random() < 0.02:
                continue  # a domain not recorded: no "all five" for this review
            positive = rng.random() < p_positive(measure, services)
            rows.append(OutcomeRow(source, child.seq, prid, measure, day, _result(rng, measure, positive),
                                   positive, nhs, child.first, child.last, child.dob, child.gender, carer, postcode))
    return rows


def outcome_keys(row: OutcomeRow) -> list[tuple]:
    """The identifiers an outcome record links by (as ``linkage.link_keys``): NHS number and child key."""
    keys: list[tuple] = []
    if ids.links_as_nhs(row.nhs):
        keys.append(("nhs", row.nhs))
    if ids.links_as_email(row.carer_email) and row.gender and row.first_name:
        keys.append(("child", row.carer_email, row.dob, row.gender, ids.name_key3(row.first_name)))
    return keys


def damage(rng: random.Random, row: OutcomeRow, rate: float) -> None:
    """Make a row invalid (rejected by the rules) at ``rate``."""
    if rng.random() < rate:
        row.defect = rng.choice(("invalid_result", "missing_measured_on"))


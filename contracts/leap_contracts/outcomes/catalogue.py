"""Every outcome source and measure, as data (see docs/outcomes-dataset.md and shared/spec/outcomes.md).

A new measure is one more ``Measure`` here: its scale says which results a file may carry and which count
in the numerator; its age window, when a measurement is plausible; ``all_of`` makes a measure derived
from others (never uploaded). The uploader, the matcher, the reporter and the generator read this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from leap_contracts.outcomes.results import Scale, choice, number, yes_no

DATASET_KINDS = ("services", "outcomes")
"""What an upload carries: contacts with services (the standard dataset) or outcome records."""


@dataclass(frozen=True)
class Source:
    """Who sends an outcome extract: the "service code" of an outcome upload."""

    code: str
    name: str


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    source: str
    definition: str
    scale: Scale | None
    """How a result is written and which results are positive; None for a derived measure."""
    age_months: tuple[int, int]
    """[from, to) age in whole months at which a measurement is expected (outside: a warning)."""
    higher_is_better: bool = True
    all_of: tuple[str, ...] = ()
    """A derived measure: positive when every one of these measures, taken on the same day, is positive."""

    @property
    def derived(self) -> bool:
        return bool(self.all_of)


SOURCES: dict[str, Source] = {s.code: s for s in (
    Source("HV", "Health visiting service (2-2½ year review, 6-8 week review)"),
    Source("EDU", "Local authority education data (EYFSP)"),
    Source("NCMP", "National Child Measurement Programme"),
    Source("DENTAL", "Dental epidemiology survey (a sample)"),
    Source("CHIS", "Child health information system (immunisations, COVER definitions)"),
)}

_ASQ_WINDOW = (24, 31)
_ASQ_DOMAINS = (
    ("asq3_communication", "communication"),
    ("asq3_gross_motor", "gross motor"),
    ("asq3_fine_motor", "fine motor"),
    ("asq3_problem_solving", "problem solving"),
    ("asq3_personal_social", "personal-social"),
)

MEASURES: dict[str, Measure] = {m.code: m for m in (
    *(Measure(code, f"ASQ-3 at 2-2½ years: {label}", "HV",
              f"at or above the expected level in the ASQ-3 {label} domain at the 2-2½ year review",
              yes_no(), _ASQ_WINDOW) for code, label in _ASQ_DOMAINS),
    Measure("asq3_all_five", "ASQ-3 at 2-2½ years: all five domains", "HV",
            "at or above the expected level in all five ASQ-3 domains, recorded on the same day",
            None, _ASQ_WINDOW, all_of=tuple(code for code, _ in _ASQ_DOMAINS)),
    Measure("eyfsp_gld", "EYFSP good level of development", "EDU",
            "a good level of development at the end of reception (expected level in the early learning goals "
            "of communication and language, personal/social/emotional, physical development, literacy, "
            "mathematics)", yes_no(), (54, 73)),
    Measure("breastfeeding_6_8_weeks", "Breastfeeding at 6-8 weeks", "HV",
            "totally or partially breastfed at the 6-8 week review, of infants with a review record "
            "(status unknown counts in the denominator only)",
            choice(("total", "partial", "none", "unknown"), positive=("total", "partial")), (1, 4)),
    Measure("ncmp_excess_weight_reception", "Excess weight at reception (NCMP)", "NCMP",
            "BMI at or above the 85th centile of the UK90 reference at the reception measurement",
            number(0, 100, at_least=85), (48, 73), higher_is_better=False),
    Measure("dental_decay_5", "Dental decay at 5", "DENTAL",
            "visually obvious dentinal decay (dmft above 0) at the five-year-old survey",
            number(0, 20, at_least=1, whole=True), (60, 72), higher_is_better=False),
    Measure("imms_6in1_12m", "6-in-1 (DTaP/IPV/Hib/HepB) by 12 months", "CHIS",
            "three doses of the 6-in-1 vaccine by the first birthday (COVER)", yes_no(), (12, 14)),
    Measure("imms_mmr1_24m", "MMR1 by 24 months", "CHIS",
            "one dose of MMR by the second birthday (COVER)", yes_no(), (24, 26)),
    Measure("imms_mmr2_5y", "MMR2 by 5 years", "CHIS",
            "two doses of MMR by the fifth birthday (COVER)", yes_no(), (60, 62)),
)}


def measures_of_source(source: str) -> list[Measure]:
    """The measures an extract of ``source`` may carry (never a derived one)."""
    return [m for m in MEASURES.values() if m.source == source and not m.derived]


def derived_measures() -> list[Measure]:
    return [m for m in MEASURES.values() if m.derived]

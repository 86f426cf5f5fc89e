"""The generator's own copy of the programme's service catalogue.

`audience` says who a service's rows are about:
- maternity: pregnant women (beneficiary_type "pregnant woman" or "adult")
- mother: mothers after birth
- parent: carers (mother, sometimes father)
- child: children under five
- family: carers and their children
`weight` is how popular the service is, `contacts` the mean contacts per person.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, eq=False)  # identity equality: one object per service
class Service:
    code: str
    name: str
    strand: str
    nhs: bool
    audience: str
    weight: float
    contacts: float

    @property
    def volume(self) -> float:
        """Rough relative row volume (popularity x contacts per person)."""
        return self.weight * self.contacts


DN = "Diet & Nutrition"
SE = "Social & Emotional Development"
CL = "Communication & Language Development"
SC = "Systems Change"
CT = "Cross Theme"

SERVICES: tuple[Service, ...] = (
    Service("CAN", "Community Activity & Nutrition", DN, False, "family", 3.0, 4.0),
    Service("PINE", "Pregnancy Information for Nutrition and Exercise", DN, False, "maternity", 2.0, 4.0),
    Service("OHP", "Oral Health Packs", DN, False, "child", 4.0, 1.3),
    Service("OHST", "Oral Health Supervised Toothbrushing", DN, False, "child", 3.0, 6.0),
    Service("LIHL", "LEAP Into Healthy Living", DN, False, "family", 2.0, 4.0),
    Service("BFPS", "Breastfeeding Peer Support", DN, True, "mother", 3.0, 4.0),
    Service("FN", "Family Nutrition", DN, False, "family", 2.0, 3.0),
    Service("EH", "Environmental Health", DN, False, "parent", 1.0, 2.0),
    Service("PAIRS1", "PAIRS 1-2-1", SE, False, "family", 1.0, 6.0),
    Service("PAIRSTT", "PAIRS Together Time", SE, False, "family", 2.0, 5.0),
    Service("PAIRSCOS", "PAIRS Circle of Security", SE, False, "parent", 1.0, 6.0),
    Service("EPEC", "Empowering People Empowering Communities", SE, False, "parent", 1.0, 6.0),
    Service("OCH", "Overcrowded Housing", SE, False, "parent", 1.0, 2.0),
    Service("DVEC", "DV Enhanced Caseworkers", SE, False, "parent", 0.7, 6.0),
    Service("DVG", "DV Groups", SE, False, "parent", 0.7, 5.0),
    Service("FNP", "Family Nurse Partnership", SE, True, "family", 1.0, 8.0),
    Service("BS", "Baby Steps", SE, False, "maternity", 1.5, 5.0),
    Service("MIR", "Making it REAL", CL, False, "family", 2.0, 4.0),
    Service("SRP", "Sharing REAL with Parents", CL, False, "parent", 1.0, 4.0),
    Service("BNS", "Babies' Next Steps", CL, False, "child", 2.0, 4.0),
    Service("SLTE", "Speech and Language Therapy (Evelina Award)", CL, True, "child", 2.0, 5.0),
    Service("SLTC", "Speech and Language Therapy (Chattertime)", CL, True, "child", 2.0, 4.0),
    Service("DL", "Doorstep Library", CL, False, "child", 3.0, 6.0),
    Service("NT", "Natural Thinkers", CL, False, "child", 2.0, 4.0),
    Service("PC", "Parent Champions", SC, False, "parent", 1.0, 3.0),
    Service("FEW", "Family Engagement Workers", SC, False, "family", 2.0, 3.0),
    Service("CAP", "Capital Programme", SC, False, "family", 0.5, 2.0),
    Service("FPM", "Family Partnership Model", SC, False, "parent", 1.0, 5.0),
    Service("CLM", "Caseload Midwifery", CT, True, "maternity", 2.0, 7.0),
    Service("GPC", "Group Pregnancy Care", CT, True, "maternity", 2.0, 6.0),
    Service("MPC", "Maternity Pathway Coordinators", CT, True, "maternity", 2.0, 4.0),
)

BY_CODE: dict[str, Service] = {s.code: s for s in SERVICES}
STRANDS: tuple[str, ...] = (DN, SE, CL, SC, CT)
NHS_SERVICES: frozenset[str] = frozenset(s.code for s in SERVICES if s.nhs)
CHILD_AUDIENCES = frozenset({"child", "family"})
ADULT_AUDIENCES = frozenset({"maternity", "mother", "parent", "family"})

"""The programme's services and strands (reference data, see shared/spec/programme.md)."""

from __future__ import annotations

from dataclasses import dataclass

NHS_SERVICES = frozenset({"CLM", "GPC", "MPC", "SLTE", "SLTC", "FNP", "BFPS"})


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    strand: str

    @property
    def pseudonymised_at_source(self) -> bool:
        return self.code in NHS_SERVICES


_DIET = "Diet & Nutrition"
_SOCIAL = "Social & Emotional Development"
_LANGUAGE = "Communication & Language Development"
_SYSTEMS = "Systems Change"
_CROSS = "Cross Theme"

SERVICES: dict[str, Service] = {
    s.code: s
    for s in (
        Service("CAN", "Community Activity & Nutrition", _DIET),
        Service("PINE", "Pregnancy Information for Nutrition and Exercise", _DIET),
        Service("OHP", "Oral Health Packs", _DIET),
        Service("OHST", "Oral Health Supervised Toothbrushing", _DIET),
        Service("LIHL", "LEAP Into Healthy Living", _DIET),
        Service("BFPS", "Breastfeeding Peer Support", _DIET),
        Service("FN", "Family Nutrition", _DIET),
        Service("EH", "Environmental Health", _DIET),
        Service("PAIRS1", "PAIRS 1-2-1", _SOCIAL),
        Service("PAIRSTT", "PAIRS Together Time", _SOCIAL),
        Service("PAIRSCOS", "PAIRS Circle of Security", _SOCIAL),
        Service("EPEC", "Empowering People Empowering Communities", _SOCIAL),
        Service("OCH", "Overcrowded Housing", _SOCIAL),
        Service("DVEC", "DV Enhanced Caseworkers", _SOCIAL),
        Service("DVG", "DV Groups", _SOCIAL),
        Service("FNP", "Family Nurse Partnership", _SOCIAL),
        Service("BS", "Baby Steps", _SOCIAL),
        Service("MIR", "Making it REAL", _LANGUAGE),
        Service("SRP", "Sharing REAL with Parents", _LANGUAGE),
        Service("BNS", "Babies' Next Steps", _LANGUAGE),
        Service("SLTE", "Speech and Language Therapy (Evelina Award)", _LANGUAGE),
        Service("SLTC", "Speech and Language Therapy (Chattertime)", _LANGUAGE),
        Service("DL", "Doorstep Library", _LANGUAGE),
        Service("NT", "Natural Thinkers", _LANGUAGE),
        Service("PC", "Parent Champions", _SYSTEMS),
        Service("FEW", "Family Engagement Workers", _SYSTEMS),
        Service("CAP", "Capital Programme", _SYSTEMS),
        Service("FPM", "Family Partnership Model", _SYSTEMS),
        Service("CLM", "Caseload Midwifery", _CROSS),
        Service("GPC", "Group Pregnancy Care", _CROSS),
        Service("MPC", "Maternity Pathway Coordinators", _CROSS),
    )
}

STRANDS: tuple[str, ...] = (_DIET, _SOCIAL, _LANGUAGE, _SYSTEMS, _CROSS)


def services_in_strand(strand: str) -> list[str]:
    return [s.code for s in SERVICES.values() if s.strand == strand]

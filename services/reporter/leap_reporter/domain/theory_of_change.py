"""The programme's Theory of Change as data (pure): each programme outcome, the services meant to move it, and
its indicator (an outcome measure of the catalogue). Admins replace the whole document; it is checked here."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from leap_contracts.catalogue import SERVICES
from leap_contracts.outcomes.catalogue import MEASURES


class ProgrammeOutcome(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    services: list[str] = Field(min_length=1, description="Service codes meant to move it.")
    indicator: str = Field(description="A measure code of the outcomes catalogue.")

    @field_validator("services")
    @classmethod
    def _known_services(cls, codes: list[str]) -> list[str]:
        unknown = sorted(set(codes) - SERVICES.keys())
        if unknown:
            raise ValueError(f"unknown service code(s) {', '.join(unknown)}")
        return codes

    @field_validator("indicator")
    @classmethod
    def _known_measure(cls, code: str) -> str:
        if code not in MEASURES:
            raise ValueError(f"unknown measure '{code[:40]}': use a code of the outcomes catalogue")
        return code


class TheoryOfChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    outcomes: list[ProgrammeOutcome] = Field(min_length=1, max_length=50)


DEFAULT = TheoryOfChange(outcomes=[
    ProgrammeOutcome(name="Children communicate and understand language",
                     services=["MIR", "SRP", "BNS", "SLTE", "SLTC", "DL", "NT"], indicator="asq3_communication"),
    ProgrammeOutcome(name="Children develop socially and emotionally",
                     services=["PAIRS1", "PAIRSTT", "PAIRSCOS", "EPEC", "FNP", "BS"], indicator="asq3_personal_social"),
    ProgrammeOutcome(name="Children are ready for school", services=["MIR", "DL", "NT", "PAIRSTT", "FEW"],
                     indicator="eyfsp_gld"),
    ProgrammeOutcome(name="Infants are breastfed", services=["BFPS", "PINE", "CLM", "GPC"],
                     indicator="breastfeeding_6_8_weeks"),
    ProgrammeOutcome(name="Children keep a healthy weight", services=["CAN", "LIHL", "FN", "PINE"],
                     indicator="ncmp_excess_weight_reception"),
    ProgrammeOutcome(name="Children have healthy teeth", services=["OHP", "OHST"], indicator="dental_decay_5"),
])
"""Shown until an admin saves the programme's own."""

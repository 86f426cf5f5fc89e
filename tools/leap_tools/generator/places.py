"""The fixed postcode table (postcodes.csv): postcode -> ward."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

PROGRAMME_WARDS = ("Stockwell", "Coldharbour", "Vassall", "Tulse Hill")
OTHER_WARD = "Other"


@dataclass(frozen=True, slots=True)
class PostcodeTable:
    ward_of: dict[str, str]  # canonical "SW9 9AE" -> ward name
    by_ward: dict[str, tuple[str, ...]]  # ward name -> its postcodes

    def ward(self, postcode: str | None) -> str | None:
        return None if postcode is None else self.ward_of[postcode]


def normalise_postcode(text: str) -> str:
    """Any spacing and case -> "OUTWARD INWARD" (the table's format)."""
    compact = "".join(text.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}"


@cache
def load_postcodes() -> PostcodeTable:
    source = resources.files("leap_tools.generator").joinpath("postcodes.csv")
    ward_of: dict[str, str] = {}
    by_ward: dict[str, list[str]] = {}
    with source.open(encoding="utf-8", newline="") as handle:
        for rec in csv.DictReader(handle):
            pcd = normalise_postcode(rec["pcd"])
            ward_of[pcd] = rec["ward_name"]
            by_ward.setdefault(rec["ward_name"], []).append(pcd)
    return PostcodeTable(ward_of, {w: tuple(p) for w, p in by_ward.items()})

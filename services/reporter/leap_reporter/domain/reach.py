"""Reach figures: what the counting query found, named from the catalogue, ready to publish."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from leap_contracts.catalogue import SERVICES


@dataclass(frozen=True)
class ServiceReach:
    service_code: str
    service_name: str | None
    strand: str | None
    unique_beneficiaries: int


@dataclass(frozen=True)
class ReachFigures:
    unique_beneficiaries: int
    by_service: tuple[ServiceReach, ...]


def reach_figures(total: int, per_service: Mapping[str, int]) -> ReachFigures:
    """Exact figures; services with nobody reached are left out, the rest in catalogue order."""
    rows = []
    for code in sorted(per_service, key=_catalogue_order):
        if per_service[code] > 0:
            service = SERVICES.get(code)
            rows.append(ServiceReach(code, service.name if service else None,
                                     service.strand if service else None, per_service[code]))
    return ReachFigures(total, tuple(rows))


_ORDER = {code: i for i, code in enumerate(SERVICES)}


def _catalogue_order(code: str) -> tuple[int, str]:
    return _ORDER.get(code, len(_ORDER)), code

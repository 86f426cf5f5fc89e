"""Reach figures: what the counting query found, named from the catalogue, ready to publish."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from leap_contracts.catalogue import SERVICES

from leap_reporter.domain.disclosure import Disclosure, Published


@dataclass(frozen=True)
class ServiceReach:
    service_code: str
    service_name: str | None
    strand: str | None
    unique_beneficiaries: Published


@dataclass(frozen=True)
class ReachFigures:
    unique_beneficiaries: Published
    by_service: tuple[ServiceReach, ...]
    suppressed: bool = False


def reach_figures(total: int, per_service: Mapping[str, int], disclosure: Disclosure = Disclosure(False)) -> ReachFigures:
    """Figures through ``disclosure``; services with nobody reached are left out, the rest in catalogue order."""
    kept = {code: n for code, n in per_service.items() if n > 0}
    shown = disclosure.breakdown(kept, total)
    rows = []
    for code in sorted(kept, key=catalogue_order):
        service = SERVICES.get(code)
        rows.append(ServiceReach(code, service.name if service else None, service.strand if service else None,
                                 shown[code]))
    return ReachFigures(disclosure.count(total), tuple(rows), disclosure.enabled)


_ORDER = {code: i for i, code in enumerate(SERVICES)}


def catalogue_order(code: str) -> tuple[int, str]:
    return _ORDER.get(code, len(_ORDER)), code

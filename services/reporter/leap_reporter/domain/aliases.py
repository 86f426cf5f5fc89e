"""How a merge of individuals updates the alias map, whatever order merges arrive in.

The alias map is kept *flat*: every merged ref points straight at its final
survivor, and no survivor is itself a merged ref. Counting then needs a single
``coalesce(alias.survivor_ref, individual_ref)`` lookup, never a recursive walk.

A merge "M1..Mn into S" keeps it flat in two steps (see :func:`plan_merge`):

1. the target is where S resolves to *now* (S itself, unless S was merged
   away by an event that arrived earlier), so "B into C" then "A into B"
   sends A to C;
2. every M points at the target, and so does every ref that pointed at an M,
   so "A into B" then "B into C" re-points A to C.

Merges into oneself (a cycle, which the matcher never produces) are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MergePlan:
    target: str
    """The final survivor every merged ref (and every ref pointing at one) now resolves to."""
    refs: tuple[str, ...]
    """The merged refs to point at ``target``, without duplicates or ``target`` itself."""


def plan_merge(survivor_ref: str, merged_refs: Iterable[str], survivor_resolves_to: str | None) -> MergePlan:
    target = survivor_resolves_to or survivor_ref
    refs = tuple(sorted({r for r in merged_refs if r != target}))
    return MergePlan(target, refs)


def apply_plan(aliases: dict[str, str], plan: MergePlan) -> None:
    """The same rule on an in-memory map (what the SQL repository does, for tests and reasoning)."""
    merged = set(plan.refs)
    for ref, survivor in aliases.items():
        if survivor in merged:
            aliases[ref] = plan.target
    for ref in plan.refs:
        aliases[ref] = plan.target

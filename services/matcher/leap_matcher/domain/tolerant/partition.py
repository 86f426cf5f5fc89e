"""The tolerant partition of a set of records.

1. Exact individuals: records sharing an exact token (union-find). Carer
   contacts written together on one child's record are one carer's: a child's
   carer is compared as that carer (or the adult individual holding a contact),
   and two adult individuals it joins share the ``co_carer`` evidence.
2. Strong keys (the child key): individuals sharing one are joined, best
   scored first, unless the join is a conflict (below). Where a child key's
   holders show look-alike twins (two holders that cannot be one person, or
   two spellings of the first name each in two holders or more, as
   ``mk_full_name_dob``), a group spelt as one twin never joins one spelt only
   as the other, there or later.
3. Candidates: pairs of the groups so far sharing a match key held by at most
   ``max_block`` groups.
4. Each candidate pair is scored (`scoring.py`); pairs from ``link_at`` are
   joined in order of score (then labels), each join refused when the two
   groups would hold two NHS numbers, one service twice, a child and an adult,
   or look-alike twins (step 2);
   pairs in [review_from, link_at) go to review.

Every step depends on the set of records only, never on their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from leap_matcher.domain.tolerant.groups import Groups, UnionFind, key_holders
from leap_matcher.domain.tolerant.model import CO_CARER, FuzzyLink, Partition, TolerantRecord, TolerantSettings
from leap_matcher.domain.tolerant.scoring import Individual, score


def exact_individuals(records: Iterable[TolerantRecord]) -> tuple[dict[str, Individual], dict[str, str]]:
    """(label -> the individual's pooled evidence, record id -> label); a label is the smallest record id."""
    records = sorted(records, key=lambda r: r.id)
    uf = UnionFind()
    first_holder: dict[str, str] = {}
    for record in records:
        uf.find(record.id)
        for token in record.tokens:
            holder = first_holder.setdefault(token, record.id)
            if holder != record.id:
                uf.union(holder, record.id)
    individuals: dict[str, Individual] = {}
    label_of = {}
    for record in records:
        label = label_of[record.id] = uf.find(record.id)
        ind = individuals.get(label)
        if ind is None:
            ind = individuals[label] = Individual(label)
        for name, token in record.key_tokens():
            ind.keys.setdefault(name, set()).add(token)
        ind.nhs |= record.nhs
        ind.carers |= record.carers
        if record.service:
            ind.services.add(record.service)
        ind.types.add(record.beneficiary_type)
        if record.gender:
            ind.genders.add(record.gender)
        if record.ward:
            ind.wards.add(record.ward)
        if record.ethnicity and record.ethnicity.strip():
            ind.ethnicities.add(record.ethnicity.strip().casefold())
        if record.first_language and record.first_language.strip():
            ind.languages.add(record.first_language.strip().casefold())
    owner = {token: label_of[record.id] for record in records for token in record.tokens}
    carers = UnionFind()  # contacts written together on one child's record are one carer's (or one family's)
    for record in records:
        held = sorted({owner.get(token, token) for token in record.carers})
        for other in held[1:]:
            carers.union(held[0], other)
    for ind in individuals.values():  # a carer contact stands for the adult individual holding it, if any
        ind.carers = {carers.find(owner.get(token, token)) for token in ind.carers}
        if "adult" in ind.types and ind.label in carers.parent:  # its contacts written with others' on a child's record
            ind.keys[CO_CARER] = {carers.find(ind.label)}
    return individuals, label_of


def partition(records: Iterable[TolerantRecord], settings: TolerantSettings | None = None,
              decisions: Mapping[tuple[str, str], bool] | None = None) -> Partition:
    """``decisions``: reviewers' answers, (record id, record id) -> True (one person: joined first, unless a
    conflict) or False (two people: their individuals are never joined)."""
    settings = settings or TolerantSettings()
    records = list(records)
    individuals, label_of = exact_individuals(records)
    decided = {(label_of[a], label_of[b]): same for (a, b), same in (decisions or {}).items()
               if a in label_of and b in label_of and label_of[a] != label_of[b]}
    groups = Groups(individuals, [pair for pair, same in decided.items() if not same])
    links: list[FuzzyLink] = []
    refused: list[FuzzyLink] = []
    for a, b in sorted(pair for pair, same in decided.items() if same):
        link = FuzzyLink(min(a, b), max(a, b), settings.link_at, {"review": "accepted"})
        if not groups.same(a, b):
            (links if groups.join(a, b) else refused).append(link)
    strong_links, strong_refused = groups.join_strong(settings)
    links += strong_links
    refused += strong_refused
    review: list[FuzzyLink] = []
    while _link_round(groups, settings, links, refused, review):
        pass  # joined groups pool their evidence (and no longer count twice in a key's frequency): score again
    cluster_of = {record.id: groups.find(label_of[record.id]) for record in records}
    return Partition(cluster_of, links, review, refused)


def _link_round(groups: Groups, settings: TolerantSettings, links: list[FuzzyLink], refused: list[FuzzyLink],
                review: list[FuzzyLink]) -> bool:
    """Score every candidate pair of the groups so far and join those from ``link_at`` (best first, conflicts
    refused); ``review`` becomes the grey pairs left apart. Whether any join was made."""
    merged = groups.pooled_individuals()
    holders = key_holders(merged.values(), lambda name: name not in settings.strong_keys)
    counts = {t: len(labels) for t, labels in holders.items()}
    candidates: set[tuple[str, str]] = set()
    for labels in holders.values():
        if 2 <= len(labels) <= settings.max_block:
            ordered = sorted(labels)
            candidates.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:])
    scored = []
    for a, b in candidates:
        value, pattern = score(merged[a], merged[b], counts, settings)
        scored.append(FuzzyLink(a, b, value, pattern))
    scored.sort(key=lambda link: (-link.score, link.a, link.b))
    grey, joined, known = [], False, {(link.a, link.b) for link in refused}
    for link in scored:
        if link.score < settings.review_from:
            break
        if groups.same(link.a, link.b) or groups.rejected(link.a, link.b):
            continue
        if link.score < settings.link_at:
            grey.append(link)
        elif groups.join(link.a, link.b):
            links.append(link)
            joined = True
        elif (link.a, link.b) not in known:
            refused.append(link)
    review[:] = [link for link in grey if not groups.same(link.a, link.b) and not groups.rejected(link.a, link.b)]
    return joined



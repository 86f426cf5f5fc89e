"""Plain data of tolerant linkage: the records it reads, its settings, what it decides."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

KEY_NAMES = ("child_key", "mk_name_dob", "mk_prefix_dob_swap", "mk_carer_email_dob", "mk_carer_email_name",
             "mk_carer_mobile_dob", "mk_dob_postcode", "mk_name_postcode", "mk_full_name_dob", "co_carer")
CO_CARER = "co_carer"
"""Not a token: two adult individuals whose contacts (an e-mail, a mobile) a child's record gives together as
its carer's, so one carer's."""
"""Evidence for a scored link. The child key is one: under tolerant linkage it joins two individuals
unless that would put one service's two records (look-alike twins) or two NHS numbers together."""


@dataclass(frozen=True, slots=True)
class TolerantRecord:
    """One record: keyed tokens and non-identifying attributes only."""

    id: str
    """Stable identity of the record (e.g. upload id and row number); also orders ties."""
    tokens: frozenset[str]
    """Identity tokens (NHS number, e-mail, mobile, provider record): a shared one links, always."""
    match_keys: Mapping[str, str | frozenset[str]] = field(default_factory=dict)
    """Evidence for a scored link, never a link alone: the child key and the match keys (spec §3a); a key
    may hold several tokens (under the current and previous keys during a key rotation)."""
    nhs: frozenset[str] = frozenset()
    """The NHS number tokens among ``tokens``: two different ones never join."""
    carers: frozenset[str] = frozenset()
    """A child's carer e-mail and mobile tokens (relationship, never identity): compared, never linked."""
    service: str | None = None
    """Service code: two records of one service with different provider record ids are two people."""
    beneficiary_type: str = "child"
    gender: str | None = None
    """female, male or other (unknown: None)."""
    ward: str | None = None
    ethnicity: str | None = None
    """As recorded (non-identifying, shared by a family): compared, never a token."""
    first_language: str | None = None

    def key_tokens(self) -> Iterator[tuple[str, str]]:
        """(key name, token) for every token of every key."""
        for name, value in self.match_keys.items():
            if isinstance(value, str):
                yield name, value
            else:
                yield from ((name, token) for token in sorted(value))


@dataclass(frozen=True, slots=True)
class TolerantSettings:
    """Match weights in bits (log2 of m/u), injected; defaults measured by `make linkage-quality`."""

    prior: float = -10.0
    """log2 prior odds that two individuals sharing a match key are one person."""
    key_agree: Mapping[str, float] = field(default_factory=lambda: {
        "child_key": 30.0, "mk_name_dob": 7.0, "mk_prefix_dob_swap": 5.0, "mk_carer_email_dob": 6.0,
        "mk_carer_email_name": 6.0, "mk_carer_mobile_dob": 5.0, "mk_dob_postcode": 5.0, "mk_name_postcode": 2.0,
        "mk_full_name_dob": 1.0, "co_carer": 12.0})
    name_conflict: float = -6.0
    """Same carer e-mail and date of birth, first names that do not sound alike (twins)."""
    postcode_conflict: float = -4.0
    """Same date of birth (day and month in either order), different postcodes."""
    spelling_conflict: float = -1.0
    """First names that sound alike with the same date of birth, spelt differently."""
    carer_conflict: float = -3.0
    """Both record carer contacts, and none agrees."""
    carer_agree: float = 2.0
    """A carer contact (or the adult individual holding it) in common."""
    gender_agree: float = 0.5
    gender_disagree: float = -8.0
    ward_agree: float = 1.5
    ward_disagree: float = -2.5
    ethnicity_agree: float = 1.5
    ethnicity_disagree: float = -3.0
    language_agree: float = 1.0
    language_disagree: float = -2.0
    link_at: float = 4.0
    """Score (bits) from which a fuzzy link is made. 4 keeps false merges under 1 in 1,000 individuals on
    the benchmark: a pair agreeing on first name, date of birth and gender and nothing else to compare
    (3.5 bits) goes to review, as one in about fifteen such pairs is two children."""
    review_from: float = -2.0
    """Scores in [review_from, link_at) go to the review queue."""
    strong_keys: tuple[str, ...] = ("child_key",)
    """Keys that join individuals before any scoring (unless a conflict): the exact rules' child key."""
    max_block: int = 6
    """A match key held by more individuals than this is no evidence (junk-like)."""


@dataclass(frozen=True, slots=True)
class FuzzyLink:
    """A scored link between two exact individuals (each named by its smallest record id)."""

    a: str
    b: str
    score: float
    pattern: Mapping[str, str]
    """Comparison -> agree / disagree / missing (keys, carer, gender, ward, ethnicity, first language) or conflict
    flags (name, postcode, spelling); types only."""


@dataclass(slots=True)
class Partition:
    cluster_of: dict[str, str]
    """Record id -> individual label (the smallest record id of the individual)."""
    links: list[FuzzyLink]
    review: list[FuzzyLink]
    refused: list[FuzzyLink]
    """Links that reached the threshold but would have joined two NHS numbers or one service twice."""

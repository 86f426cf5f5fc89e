"""Tolerant linkage (issue 18): exact individuals joined by scored, explainable fuzzy links.

Pure domain code, no I/O. Records carry only keyed tokens (exact identifiers and the
match keys of docs/pseudonymisation-spec.md §3a) and non-identifying attributes.
Records sharing an identity token (NHS number, e-mail, mobile, provider record)
are one individual; two individuals are joined when the Fellegi-Sunter score of
their agreement pattern (child key and match keys, gender, ward, ethnicity, first language,
carer) reaches the
link threshold and no hard conflict (two NHS numbers, two records of one service,
child and adult) forbids it. So the child key still joins, except look-alike twins
seen by one service. The partition is a function of the set of records alone: any order,
any chunking, gives the same one (`partition.py`, `incremental.py`).
"""

from leap_matcher.domain.tolerant.incremental import IncrementalLinker
from leap_matcher.domain.tolerant.model import FuzzyLink, Partition, TolerantRecord, TolerantSettings
from leap_matcher.domain.tolerant.partition import partition

__all__ = ["FuzzyLink", "IncrementalLinker", "Partition", "TolerantRecord", "TolerantSettings", "partition"]

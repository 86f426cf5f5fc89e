"""Linkage quality against the generator's true persons (issue 18).

`python -m leap_tools.linkage_quality` (or `make linkage-quality`) generates data with
recording errors at known rates, reads and pseudonymises it as the platform does
(standard dataset rules, the pseudonymisation reference code, the match keys), links
it three ways in one run and scores each against persons.csv:

- exact: the standard dataset's rules (shared identifier tokens);
- tolerant: the matcher's tolerant linkage (leap_matcher.domain.tolerant) on tokens;
- splink: Splink's probabilistic linkage on the same data in clear, the upper bound
  of what pseudonymised linkage can reach (needs `pip install './tools[bench]'`).
"""

"""The engagements a question is about, as SQL common table expressions (set-based, bind parameters only).

``people``: one row per resolved individual (``coalesce(alias.survivor_ref,
individual_ref)``) over ALL their attended engagements: first contact, and
beneficiary type, gender, ethnicity and birth month from their latest
engagement that records one (so a later correction wins; same-day ties go to
the greatest value); age band at first
contact from those two.

``scoped``: the attended engagements matching the filters, one row each with
the resolved ``person`` (and, when ``people`` is joined, its attributes).
Only attended contacts count anywhere: a contact that did not happen reached
nobody.
"""

from __future__ import annotations

from leap_reporter.domain.age import age_band_sql
from leap_reporter.domain.filters import ReachFilters

PERSON = "coalesce(a.survivor_ref, x.individual_ref)"
# Under tolerant linkage a person is the record's tolerant individual (a TOL- reference); a record tolerant
# linkage has not assigned yet counts as its exact individual (an IND- reference, so the two never collide).
TOLERANT_PERSON = f"coalesce(t.tolerant_ref, {PERSON})"
TOLERANT_JOIN = "LEFT JOIN tolerant_assignment t ON t.upload_id = x.upload_id AND t.row_number = x.row_number"
LINKAGES = ("exact", "tolerant")


def _person(linkage: str) -> tuple[str, str]:
    """(the person expression, the join it needs) under ``linkage``."""
    return (PERSON, "") if linkage == "exact" else (TOLERANT_PERSON, TOLERANT_JOIN)


# Latest non-null value by engagement date (ties: the greatest value), as one hash-friendly max() per column.
_LATEST = "substr(max(CASE WHEN x.{c} IS NOT NULL THEN x.engagement_date::text || '|' || x.{c} END), 12)"
def people_cte(linkage: str = "exact") -> str:
    person, join = _person(linkage)
    return f"""people AS (
    SELECT person, first_contact, beneficiary_type, gender, coalesce(nullif(ethnicity, ''), 'not recorded') AS ethnicity,
           {age_band_sql('birth_month', 'first_contact')} AS age_band
      FROM (SELECT {person} AS person, min(x.engagement_date) AS first_contact,
                   {_LATEST.format(c='beneficiary_type')} AS beneficiary_type,
                   coalesce({_LATEST.format(c='gender')}, 'unknown') AS gender,
                   {_LATEST.format(c='ethnicity')} AS ethnicity,
                   nullif({_LATEST.format(c='birth_month')}, '') AS birth_month
              FROM engagement x LEFT JOIN individual_alias a ON a.ref = x.individual_ref {join}
             WHERE x.attended
             GROUP BY 1) AS raw
)"""


PEOPLE = people_cte()
PERSON_COLUMNS = ("beneficiary_type", "gender", "ethnicity", "age_band")


class Args(list):
    def add(self, value: object) -> str:
        self.append(value)
        return f"${len(self)}"


def engagement_conditions(filters: ReachFilters, args: Args, alias: str = "x") -> list[str]:
    """WHERE conditions on the engagement table (not on people)."""
    where = [f"{alias}.attended"]
    codes = filters.service_codes
    if codes is not None:
        where.append(f"{alias}.service_code = ANY({args.add(list(codes))}::text[])")
    if filters.date_from is not None:
        where.append(f"{alias}.engagement_date >= {args.add(filters.date_from)}")
    if filters.date_to is not None:
        where.append(f"{alias}.engagement_date <= {args.add(filters.date_to)}")
    if filters.ward is not None:
        ward = args.add(filters.ward.lower())  # resolved to codes once, not lower()-ed per engagement
        where.append(f"{alias}.ward_code = ANY(ARRAY(SELECT ward_code FROM ward "
                     f"WHERE lower(ward_code) = {ward} OR lower(ward_name) = {ward}))")
    return where


def people_conditions(filters: ReachFilters, args: Args, alias: str = "p") -> list[str]:
    wanted = {c: getattr(filters, c) for c in PERSON_COLUMNS if getattr(filters, c) is not None}
    return [f"{alias}.{c} = {args.add(v)}" for c, v in wanted.items()]


def scoped_ctes(filters: ReachFilters, args: Args, *, with_people: bool = False, linkage: str = "exact") -> str:
    """``WITH [people,] scoped AS (...)``: ``scoped(person, service_code, ward_code, engagement_date,
    upload_id[, first_contact, beneficiary_type, gender, ethnicity, age_band])``; a person is an individual
    under ``linkage`` (``exact`` or ``tolerant``)."""
    with_people = with_people or filters.by_person
    where = engagement_conditions(filters, args)
    person, join = _person(linkage)
    if not with_people:
        return f"""WITH scoped AS (
    SELECT {person} AS person, x.service_code, x.ward_code, x.engagement_date, x.upload_id
      FROM engagement x LEFT JOIN individual_alias a ON a.ref = x.individual_ref {join}
     WHERE {' AND '.join(where)}
)"""
    where += people_conditions(filters, args)
    return f"""WITH {people_cte(linkage)}, scoped AS (
    SELECT p.person, x.service_code, x.ward_code, x.engagement_date, x.upload_id,
           p.first_contact, p.beneficiary_type, p.gender, p.ethnicity, p.age_band
      FROM engagement x LEFT JOIN individual_alias a ON a.ref = x.individual_ref {join}
      JOIN people p ON p.person = {person}
     WHERE {' AND '.join(where)}
)"""

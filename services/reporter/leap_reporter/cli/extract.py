"""Admin command: the pseudonymised extract for the evaluation partner, audited.

    # REPORTER_DATABASE_URL and REPORTER_ADMIN_TOKEN set, as for the service;
    # the caller proves they are an admin with the same token in LEAP_ADMIN_TOKEN (or typed when asked):
    python -m leap_reporter.cli.extract --out /secure/extracts/2025-04 --requested-by "a.analyst"

Writes four CSV files (UTF-8, header row) into ``--out`` (created; must be empty):

- ``individuals.csv``: ``individual_ref`` (the matcher's persistent reference, resolved through
  merges), ``beneficiary_type``, ``gender``, ``ethnicity``, ``first_language``,
  ``age_band_at_first_contact``, ``first_contact_month`` (YYYY-MM);
- ``engagements.csv``: ``individual_ref``, ``service_code``, ``provider_id``, ``engagement_date``,
  ``engagement_type``, ``attended``, ``ward_code``;
- ``relationships.csv``: ``child_ref``, ``carer_ref``, ``relationship``;
- ``outcomes.csv``: ``individual_ref``, ``source_code``, ``measure``, ``measured_on``, ``result``: the outcome
  records linked to an individual of ``individuals.csv`` (the people the data sharing agreement covers; records
  of children the programme never reached, or bridging two individuals, are not in it).

No tokens, names, contact details, full dates of birth or postcodes exist in the
read model, so none can leave. The figures in the extract are not suppressed: it
is person-level by design and goes to the partner under the data-sharing
agreement. Each run adds a row to ``reporter.extract_audit`` (who, when, where,
row counts) in the same transaction that reads the data (one consistent snapshot).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import hmac
import os
from pathlib import Path

from leap_reporter.adapters import database
from leap_reporter.adapters.scope import PEOPLE, PERSON
from leap_reporter.settings import Settings

_LATEST_LANGUAGE = ("(array_agg(x.first_language ORDER BY x.engagement_date DESC) "
                    "FILTER (WHERE x.first_language IS NOT NULL))[1]")
QUERIES = {
    "individuals": f"""WITH {PEOPLE}, language AS (
        SELECT {PERSON} AS person, {_LATEST_LANGUAGE} AS first_language
          FROM engagement x LEFT JOIN individual_alias a ON a.ref = x.individual_ref GROUP BY 1)
        SELECT p.person AS individual_ref, p.beneficiary_type, p.gender, p.ethnicity, l.first_language,
               p.age_band AS age_band_at_first_contact, to_char(p.first_contact, 'YYYY-MM') AS first_contact_month
          FROM people p JOIN language l USING (person) ORDER BY 1""",
    "engagements": f"""SELECT {PERSON} AS individual_ref, x.service_code, x.provider_id, x.engagement_date,
               x.engagement_type, x.attended, x.ward_code
          FROM engagement x LEFT JOIN individual_alias a ON a.ref = x.individual_ref ORDER BY 1, 4, 2""",
    "relationships": """SELECT DISTINCT coalesce(k.survivor_ref, r.child_ref) AS child_ref,
               coalesce(c.survivor_ref, r.carer_ref) AS carer_ref, 'primary_carer' AS relationship
          FROM relationship r LEFT JOIN individual_alias k ON k.ref = r.child_ref
          LEFT JOIN individual_alias c ON c.ref = r.carer_ref ORDER BY 1, 2""",
    "outcomes": """SELECT coalesce(a.survivor_ref, o.individual_ref) AS individual_ref, o.source_code, o.measure,
               o.measured_on, o.result
          FROM outcome_record o LEFT JOIN individual_alias a ON a.ref = o.individual_ref
         WHERE o.individual_ref IS NOT NULL AND NOT o.excluded
           AND EXISTS (SELECT FROM engagement x LEFT JOIN individual_alias b ON b.ref = x.individual_ref
                        WHERE coalesce(b.survivor_ref, x.individual_ref) = coalesce(a.survivor_ref, o.individual_ref))
         ORDER BY 1, 4, 3""",
}


class NotAnAdmin(PermissionError):
    pass


def check_admin(settings: Settings, token: str) -> None:
    expected = settings.admin_token.get_secret_value() if settings.admin_token else ""
    if not expected or not hmac.compare_digest(token, expected):
        raise NotAnAdmin("the extract is admin-only: give the admin token (LEAP_ADMIN_TOKEN); "
                         "REPORTER_ADMIN_TOKEN must be configured")


async def extract(database_url: str, out: Path, requested_by: str) -> dict[str, int]:
    """Write the four files and the audit row; returns row counts per file."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; choose a new folder for each extract")
    pool = await database.create_pool(database_url, max_size=1)
    try:
        async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
            counts = {}
            for name, sql in QUERIES.items():
                status = await conn.copy_from_query(sql, output=str(out / f"{name}.csv"), format="csv", header=True)
                counts[name] = int(status.split()[-1])
            await conn.execute(
                """INSERT INTO extract_audit (requested_by, out_dir, individuals, engagements, relationships, outcomes)
                   VALUES ($1, $2, $3, $4, $5, $6)""",
                requested_by, str(out.resolve()), counts["individuals"], counts["engagements"], counts["relationships"],
                counts["outcomes"])
        return counts
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Pseudonymised extract for the evaluation partner (admin only).")
    parser.add_argument("--out", required=True, type=Path, help="new or empty folder for the CSV files")
    parser.add_argument("--requested-by", required=True, help="who asked for it (recorded in the audit table)")
    args = parser.parse_args()
    settings = Settings()
    token = os.environ.get("LEAP_ADMIN_TOKEN") or getpass.getpass("admin token: ")
    try:
        check_admin(settings, token)
    except NotAnAdmin as exc:
        raise SystemExit(str(exc)) from None
    counts = asyncio.run(extract(settings.database_url.get_secret_value(), args.out, args.requested_by))
    print("extract written to {}: {}".format(args.out, ", ".join(f"{k} {v}" for k, v in counts.items())))


if __name__ == "__main__":
    main()

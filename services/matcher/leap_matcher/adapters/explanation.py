"""Why an individual is what it is: its records and the identifier TYPES that join them (never token values)."""

from __future__ import annotations

import json

import asyncpg

from leap_matcher.adapters import relationships
from leap_matcher.domain.identity import individual_id, reference, unpacked


async def explain(conn: asyncpg.Connection, ref: str) -> dict | None:
    asked = individual_id(ref)
    row = asked and await conn.fetchrow(
        "SELECT coalesce(merged_into, id) AS live FROM individual WHERE id = $1", asked)
    if not row:
        return None
    live = row["live"]
    person = await conn.fetchrow("SELECT ref, attributes, removed FROM individual WHERE id = $1", live)
    merged = await conn.fetch("SELECT ref FROM individual WHERE merged_into = $1 ORDER BY id", live)
    records = await conn.fetch(
        "SELECT upload_id, row_number, service_code, engagement_date, tokens FROM record WHERE individual_id = $1 "
        "ORDER BY engagement_date, upload_id, row_number", live)
    held = [unpacked(r["tokens"]) for r in records]
    tokens = list({t for ts in held for t in ts})
    kinds = {r["token"]: (r["id_type"], r["quarantined"]) for r in await conn.fetch(
        "SELECT token, id_type, quarantined FROM identifier WHERE token = ANY($1::bytea[])", tokens)}
    holders: dict[bytes, list[int]] = {}
    for n, ts in enumerate(held):
        for t in ts:
            holders.setdefault(t, []).append(n)
    links, numbering = [], {}
    for t, rows in sorted(holders.items(), key=lambda kv: (kinds.get(kv[0], ("?", False))[0], kv[1])):
        kind, quarantined = kinds.get(t, ("unknown", False))
        if len(rows) < 2 and not quarantined:
            continue  # a token on one record joins nothing
        numbering[kind] = numbering.get(kind, 0) + 1
        links.append({"identifier": f"{kind} #{numbering[kind]}", "identifier_type": kind,
                      "quarantined": quarantined, "links": not quarantined,
                      "records": [{"upload_id": str(records[n]["upload_id"]), "row_number": records[n]["row_number"]}
                                  for n in rows]})
    return {
        "individual_ref": person["ref"], "requested_ref": ref, "removed": person["removed"],
        "merged_refs": [m["ref"] for m in merged],
        "attributes": json.loads(person["attributes"]),
        "records": [{"upload_id": str(r["upload_id"]), "row_number": r["row_number"], "service_code": r["service_code"],
                     "engagement_date": r["engagement_date"].isoformat(),
                     "identifier_types": sorted({kinds[t][0] for t in ts if t in kinds})}
                    for r, ts in zip(records, held)],
        "joined_by": links,
        "relationships": [{"child_ref": reference(x["child_id"]), "carer_ref": reference(x["carer_id"])}
                          for x in await relationships.of_individual(conn, live)],
    }

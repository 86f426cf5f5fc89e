"""Generate a data set: stream families' rows into every service file at once,
then write manifest.json and truth.json."""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

from leap_tools.generator.catalogue import BY_CODE, SERVICES
from leap_tools.generator.contacts import family_rows
from leap_tools.generator.errors import ErrorInjector, ErrorRates
from leap_tools.generator.layout import FileLayout, plan_layouts
from leap_tools.generator.outcome_extracts import OutcomeExtracts
from leap_tools.generator.person_map import FILENAME as PERSON_MAP_FILE
from leap_tools.generator.person_map import PersonMap
from leap_tools.generator.places import load_postcodes
from leap_tools.generator.population import Sequences, make_family
from leap_tools.generator.quality import inject_defects
from leap_tools.generator.render import Renderer
from leap_tools.generator.truth import Truth
from leap_tools.generator.writers import ShuffledSink, open_sink

MANIFEST_SCHEMA = "leap-generator-manifest/1"
DEFAULT_BAD_ROW_RATE = 0.01


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    out: Path
    rows: int
    files: int
    unique_beneficiaries: int
    rejected: int
    seconds: float


def _clear_previous(out: Path) -> None:
    """Remove this generator's own outputs (never any other file)."""
    for service in SERVICES:
        for ext in ("csv", "xlsx"):
            (out / f"{service.code}.{ext}").unlink(missing_ok=True)
    for name in ("manifest.json", "truth.json", PERSON_MAP_FILE):
        (out / name).unlink(missing_ok=True)


def _manifest_entry(layout: FileLayout, rows: int) -> dict:
    service = BY_CODE[layout.service]
    entry = {
        "file": layout.filename, "service": service.code, "service_name": service.name,
        "strand": service.strand, "nhs_service": service.nhs, "format": layout.format,
        "encoding": layout.encoding, "rows": rows, "headers": layout.headers,
        "unknown_columns": layout.unknown_columns,
    }
    if layout.format == "xlsx":
        entry["sheet"] = layout.service
    return entry


def _dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def generate(rows: int, out: Path | str, seed: int = 1, formats: str = "mixed",
             bad_row_rate: float = DEFAULT_BAD_ROW_RATE, shuffle_rows: int = 200,
             error_rates: ErrorRates | None = None, person_map: bool = False,
             outcomes: bool = False) -> GenerationSummary:
    """Write exactly `rows` data rows over the service files in `out`; with `error_rates`, recording
    errors at those rates (errors.py); with `person_map`, persons.csv (person_map.py)."""
    if rows < 0:
        raise ValueError("rows must be >= 0")
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _clear_previous(out)
    postcodes = load_postcodes()
    layouts = plan_layouts(seed, formats, rows)
    population_rng = random.Random(f"population:{seed}")
    render_rng = random.Random(f"render:{seed}")
    seqs, truth = Sequences(), Truth(postcodes)
    sinks: dict[str, ShuffledSink] = {}
    renderers = {code: Renderer(render_rng, layout) for code, layout in layouts.items()}
    errors = ErrorInjector(error_rates or ErrorRates(), seed)
    persons = PersonMap(out) if person_map else None
    extracts = OutcomeExtracts(out, seed, postcodes, bad_row_rate) if outcomes else None  # outcome_extracts.py
    written = 0
    try:
        while written < rows:
            family = make_family(population_rng, seqs, postcodes)
            family_batch = family_rows(population_rng, seqs, family, layouts, errors)
            inject_defects(population_rng, family_batch, bad_row_rate)
            del family_batch[rows - written:]
            truth.add_family(family_batch)
            if persons is not None:
                persons.add_family(family_batch)
            if extracts is not None:
                extracts.add_family(family, family_batch)
            for row in family_batch:
                sink = sinks.get(row.service)
                if sink is None:
                    sink = sinks[row.service] = ShuffledSink(
                        open_sink(out, layouts[row.service]), render_rng, shuffle_rows)
                sink.write(renderers[row.service].cells(row))
            written += len(family_batch)
    finally:
        for sink in sinks.values():
            sink.close()
        if persons is not None:
            persons.close()
        if extracts is not None:
            extracts.close()

    meta = {"seed": seed, "rows": written, "formats": formats, "bad_row_rate": bad_row_rate,
            "errors": errors.to_json()}
    ordered = [s.code for s in SERVICES if s.code in sinks]
    _dump(out / "manifest.json", {
        "schema": MANIFEST_SCHEMA, **meta,
        "files": [_manifest_entry(layouts[c], sinks[c].rows) for c in ordered],
        **({"outcome_files": extracts.manifest()} if extracts is not None else {}),
    })
    truth_json = truth.to_json(layouts, meta)
    if extracts is not None:
        truth_json["outcomes"] = extracts.to_json()
    _dump(out / "truth.json", truth_json)
    return GenerationSummary(out, written, len(sinks), truth_json["unique_beneficiaries"],
                             truth_json["totals"]["rejected"], time.perf_counter() - started)

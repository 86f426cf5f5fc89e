"""The known workload: generated provider files (CSV and XLSX) from several providers, a replacement, a
withdrawal and a file that arrives after the last fault; posted through the public API, retrying while the
uploader is down, exactly as a provider's script would.

Every upload has a label (``file:CAN.csv``, ``replacement:CAN.csv``, ...) so two runs of the same workload can
be compared although their upload ids differ. The API withdraws an upload only by replacing it, so the
withdrawal is a replacement by a file of one row: the rest of the old upload's rows leave every figure.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from leap_tools.bench_stages import slice_rows
from leap_tools.generator.run import generate
from leap_tools.localenv import STATE, create_provider

FINAL = {"completed", "rejected", "replaced"}
PROVIDERS = 3


@dataclass(frozen=True)
class Upload:
    label: str
    path: Path
    service: str
    provider: str
    replaces: str | None = None
    """The label of the upload this one replaces."""


@dataclass
class Workload:
    rows: int
    seed: int
    early: list[Upload]
    """Posted while faults happen."""
    corrections: list[Upload]
    """The replacement and the withdrawal: posted once the uploads they replace are final."""
    late: list[Upload]
    """Posted after the last fault."""

    @property
    def uploads(self) -> list[Upload]:
        return [*self.early, *self.corrections, *self.late]

    @property
    def services_by_provider(self) -> dict[str, list[str]]:
        found: dict[str, set[str]] = {}
        for u in self.uploads:
            found.setdefault(u.provider, set()).add(u.service)
        return {p: sorted(s) for p, s in found.items()}


def build(rows: int, seed: int) -> Workload:
    """Generate (once per rows and seed, kept in ``.state/faults/``) and plan the workload."""
    data = STATE / "faults" / f"rows-{rows}-seed-{seed}"
    if not (data / "manifest.json").exists():
        generate(rows, data, seed=seed, formats="mixed")
    files = json.loads((data / "manifest.json").read_text())["files"]
    rng = random.Random(f"workload:{seed}")
    codes = sorted({f["service"] for f in files})
    provider_of = {code: f"faults-p{i % PROVIDERS + 1}" for i, code in enumerate(codes)}
    uploads = [Upload(f"file:{f['file']}", data / f["file"], f["service"], provider_of[f["service"]]) for f in files]
    rng.shuffle(uploads)
    csv = [u for u in uploads if u.path.suffix == ".csv" and _rows(files, u.path.name) >= 10]
    replaced, withdrawn = csv[0], csv[1]
    corrected = slice_rows(replaced.path, data / "corrections" / f"replacement-{replaced.path.name}",
                           _rows(files, replaced.path.name) * 7 // 10)
    one_row = slice_rows(withdrawn.path, data / "corrections" / f"withdrawal-{withdrawn.path.name}", 1)
    corrections = [Upload(f"replacement:{replaced.path.name}", corrected, replaced.service, replaced.provider,
                          replaces=replaced.label),
                   Upload(f"withdrawal:{withdrawn.path.name}", one_row, withdrawn.service, withdrawn.provider,
                          replaces=withdrawn.label)]
    late = [u for u in uploads if u not in (replaced, withdrawn)][-1:]
    early = [u for u in uploads if u not in late]
    return Workload(rows, seed, early, corrections, late)


def _rows(files: list[dict], name: str) -> int:
    return next(f["rows"] for f in files if f["file"] == name)


@dataclass
class Poster:
    """Posts the workload's uploads to one platform and follows them, retrying through outages."""

    uploader_url: str
    tokens: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)
    """label -> upload id"""
    posted_at: dict[str, float] = field(default_factory=dict)

    @classmethod
    def for_platform(cls, env: dict[str, str], uploader_url: str, workload: Workload) -> Poster:
        tokens = {p: create_provider(env, p, f"Fault-run provider {p}", services)
                  for p, services in workload.services_by_provider.items()}
        return cls(uploader_url, tokens)

    def post(self, upload: Upload, *, deadline_s: float = 600.0) -> str:
        """POST until the uploader takes it (a retry of a file it already holds answers its id: 200)."""
        data = {"service": upload.service}
        if upload.replaces:
            data["replaces"] = self.ids[upload.replaces]
        deadline = time.monotonic() + deadline_s
        while True:
            try:
                with upload.path.open("rb") as f:
                    response = httpx.post(f"{self.uploader_url}/api/v1/uploads", data=data,
                                          files={"file": (upload.path.name, f)}, timeout=120,
                                          headers={"Authorization": f"Bearer {self.tokens[upload.provider]}"})
                if response.status_code in (200, 202):
                    self.ids[upload.label] = response.json()["upload_id"]
                    self.posted_at[upload.label] = time.time()
                    return self.ids[upload.label]
                if response.status_code < 500:
                    raise RuntimeError(f"{upload.label} refused ({response.status_code}): {response.text[:300]}")
            except httpx.HTTPError:
                pass  # the uploader is down or lost its database: a provider's script tries again
            if time.monotonic() > deadline:
                raise TimeoutError(f"{upload.label} not accepted within {deadline_s:.0f}s")
            time.sleep(0.5)  # retry interval, bounded by the deadline

    def status(self, label: str, upload: Upload | None = None) -> dict | None:
        """The upload's state, or None while the uploader does not answer."""
        provider = upload.provider if upload else None
        tokens = [self.tokens[provider]] if provider else list(self.tokens.values())
        for token in tokens:
            try:
                response = httpx.get(f"{self.uploader_url}/api/v1/uploads/{self.ids[label]}", timeout=10,
                                     headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError:
                return None
            if response.status_code == 200:
                return response.json()
            if response.status_code >= 500:
                return None
        return None

    def wait_final(self, uploads: list[Upload], *, reportable: bool = False, replaced_only: bool = False,
                   deadline_s: float = 900.0) -> dict:
        """label -> final state (and, with ``reportable``, every accepted one in the published figures; with
        ``replaced_only``, the state "replaced", which an upload a correction replaces or withdraws ends in)."""
        deadline, done = time.monotonic() + deadline_s, {}
        pending = {u.label: u for u in uploads}
        while pending:
            for label, upload in list(pending.items()):
                state = self.status(label, upload)
                if state and state["status"] in ({"replaced"} if replaced_only else FINAL) and (
                        not reportable or state["status"] != "completed" or state.get("reportable_at")):
                    done[label] = state
                    del pending[label]
            if pending:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"not final within {deadline_s:.0f}s: {sorted(pending)}")
                time.sleep(0.5)  # poll interval, bounded by the deadline
        return done

"""One run of the workload on a throw-away platform, with or without faults, to its final state."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

import httpx

from leap_tools.faults import final_state, infra
from leap_tools.faults.final_state import FinalState
from leap_tools.faults.nemesis import Fault, Nemesis
from leap_tools.faults.processes import Services
from leap_tools.faults.workload import Poster, Workload
from leap_tools.localenv import load_demo_wards
from leap_tools.throwaway import SERVICES, Platform, create_platform, drop_platform


@dataclass
class Outcome:
    state: FinalState
    faults: list[Fault] = field(default_factory=list)
    exited: list[str] = field(default_factory=list)
    poisoned: int = 0
    seconds: float = 0.0
    converged_s: float = 0.0
    """From the end of the last fault (or the start, undisturbed) to every upload final and reportable and the
    figures up to date."""


def run(workload: Workload, *, seed: int, faults: list[str], gap: tuple[float, float], matcher_workers: int,
        deadline_s: float) -> Outcome:
    platform = create_platform("faults", {"MATCHER_WORKERS": str(matcher_workers)})
    services = Services(platform)
    try:
        for service in SERVICES:
            services.start(service)
        services.wait_ready()
        load_demo_wards(platform.env)
        return _drive(platform, services, workload, random.Random(f"faults:{seed}"), faults, gap, deadline_s)
    finally:
        services.kill_all()
        drop_platform(platform)


def _drive(platform: Platform, services: Services, workload: Workload, rng: random.Random, faults: list[str],
           gap: tuple[float, float], deadline_s: float) -> Outcome:
    poster = Poster.for_platform(platform.env, platform.url("uploader"), workload)
    pending, lock, failures = list(workload.early), threading.Lock(), []
    reserved = sum(1 for kind in faults if kind == "upload-while-downstream-down")  # posted by those faults

    def post_one() -> str | None:
        with lock:
            upload = pending.pop(0) if pending else None
        return poster.post(upload, deadline_s=deadline_s) and upload.label if upload else None

    def feed() -> None:  # the providers: files at random moments, then the corrections once their originals count
        try:
            # spread over the faults (a fault lasts about 10 s besides its gap)
            spacing = (sum(gap) / 2 + 10) * len(faults) / max(len(workload.early), 1)
            while len(pending) > reserved and post_one():
                time.sleep(rng.uniform(0, 2 * spacing))
            originals = [u for u in workload.early if u.label in {c.replaces for c in workload.corrections}]
            poster.wait_final(originals, reportable=True, deadline_s=deadline_s)
            for upload in workload.corrections:
                poster.post(upload, deadline_s=deadline_s)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            failures.append(exc)

    t0 = time.monotonic()
    nemesis = Nemesis(services, rng, t0, post_one)
    feeder = threading.Thread(target=feed, name="workload", daemon=True)
    feeder.start()
    with infra.restored():
        nemesis.run(faults, gap)
    quiet = time.monotonic()
    feeder.join(deadline_s)
    if failures:
        raise failures[0]
    while post_one():  # any left for a fault that did not take it
        pass
    for upload in workload.late:  # work arriving after the last fault
        poster.post(upload, deadline_s=deadline_s)
    nemesis.check_exited()
    states = poster.wait_final(workload.uploads, reportable=True, deadline_s=deadline_s)
    # An original is final ("completed") before its correction is: read it again until the correction shows.
    replaced = [u for u in workload.uploads if u.label in {c.replaces for c in workload.corrections}]
    states.update(poster.wait_final(replaced, replaced_only=True, deadline_s=deadline_s))
    _wait_up_to_date(platform, deadline_s)
    converged = time.monotonic() - quiet
    nemesis.check_exited()
    services.wait_ready(deadline_s=60)
    state = final_state.read(platform, poster.ids, states)
    return Outcome(state, nemesis.faults, nemesis.exited, nemesis.poisoned, time.monotonic() - t0, converged)


def _wait_up_to_date(platform: Platform, deadline_s: float) -> None:
    headers = {"Authorization": f"Bearer {platform.env['REPORTER_ADMIN_TOKEN']}"}
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            answer = httpx.get(f"{platform.url('reporter')}/api/v1/reach", headers=headers, timeout=30,
                               params={"suppression": "off", "consistency": "current"})
            if answer.status_code == 200 and answer.json()["up_to_date"]:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)  # poll interval, bounded by the deadline
    raise TimeoutError(f"the figures not up to date within {deadline_s:.0f}s")

import json

import pytest

from leap_tools.client import PlatformClient
from leap_tools.generator.run import generate
from leap_tools.localenv import create_provider
from leap_tools.throwaway import running_platform


@pytest.fixture(scope="session")
def platform():
    with running_platform() as platform:
        yield platform


@pytest.fixture(scope="session")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    generate(4000, out, seed=11, formats="mixed")
    return out, json.loads((out / "manifest.json").read_text()), json.loads((out / "truth.json").read_text())


@pytest.fixture(scope="session")
def client(platform, dataset):
    _, manifest, _ = dataset
    services = sorted({f["service"] for f in manifest["files"]})
    token = create_provider(platform.env, "e2e-provider", "End-to-end test provider", services)
    return PlatformClient(platform.url("uploader"), platform.url("reporter"), token,
                          reporter_token=platform.env["REPORTER_ANALYST_TOKEN"])

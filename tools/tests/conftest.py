from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from leap_tools.generator import generate

# The repository runs pytest with --import-mode=importlib, which does not put a
# test's folder on sys.path: make the helper modules (gen_*.py) importable.
sys.path.insert(0, str(Path(__file__).parent))

MIXED_ROWS = 8_000


@pytest.fixture(scope="session")
def mixed_dataset(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mixed")
    generate(MIXED_ROWS, out, seed=11, formats="mixed")
    return out


@pytest.fixture(scope="session")
def manifest(mixed_dataset: Path) -> dict:
    return json.loads((mixed_dataset / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def truth(mixed_dataset: Path) -> dict:
    return json.loads((mixed_dataset / "truth.json").read_text(encoding="utf-8"))

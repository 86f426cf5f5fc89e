"""Print the third-party requirements of the project's packages, one per line, for a layer that changes only
when a pyproject.toml does: ``deps.py contracts/pyproject.toml[runtime,identity] services/matcher/pyproject.toml``.
The project's own packages (leap-*) are left out; they are installed from source afterwards, without deps."""

from __future__ import annotations

import re
import sys
import tomllib


def requirements(arg: str) -> list[str]:
    path, _, extras = arg.partition("[")
    with open(path, "rb") as f:
        project = tomllib.load(f)["project"]
    wanted = list(project.get("dependencies", []))
    for extra in filter(None, extras.rstrip("]").split(",")):
        wanted += project.get("optional-dependencies", {})[extra]
    return [r for r in wanted if not re.match(r"leap[-_]", r)]


if __name__ == "__main__":
    print("setuptools>=68")  # builds the project's packages offline (--no-build-isolation)
    print("\n".join(sorted({r for arg in sys.argv[1:] for r in requirements(arg)})))

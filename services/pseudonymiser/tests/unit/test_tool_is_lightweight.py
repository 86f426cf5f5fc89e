"""The at-source tool runs with the base install: none of the service's runtime dependencies is imported."""

import subprocess
import sys

SERVICE_ONLY = ("faststream", "aiokafka", "fastapi", "uvicorn", "asyncpg", "pydantic_settings", "structlog",
                "prometheus_client")


def test_cli_imports_no_service_dependency():
    blocked = "; ".join(f"sys.modules[{m!r}] = None" for m in SERVICE_ONLY)
    code = f"import sys; {blocked}; import leap_pseudonymiser.at_source.cli"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr

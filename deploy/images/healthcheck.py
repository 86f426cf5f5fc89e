"""The images' HEALTHCHECK: GET /health/live of the service named by LEAP_SERVICE, on its internal port (or
its HTTP port when none is set). Exit 0 when it answers 200."""

import os
import sys
import urllib.request

name = os.environ["LEAP_SERVICE"].upper()
port = os.environ.get(f"{name}_INTERNAL_PORT") or os.environ.get(f"{name}_HTTP_PORT")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/{sys.argv[1] if len(sys.argv) > 1 else 'live'}",
                                timeout=3) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception:  # noqa: BLE001 - any failure is "unhealthy"
    sys.exit(1)

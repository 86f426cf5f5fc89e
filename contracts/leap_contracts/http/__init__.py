"""What every service's HTTP edge does the same way: refuse bad bytes, keep operations endpoints internal,
honour a trusted proxy's forwarded scheme. ``harden(app, ...)`` installs all of it."""

from leap_contracts.http.edge import harden

__all__ = ["harden"]

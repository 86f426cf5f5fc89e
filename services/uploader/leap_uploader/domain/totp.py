"""Time-based one-time codes (RFC 6238, 30 s, 6 digits) with replay protection, and the enrolment QR code."""

from __future__ import annotations

import hmac
import time

import pyotp
import segno

ISSUER = "LEAP uploader"
STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as an inline <svg> element (no external image, no CDN)."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff")


def accepted_step(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The time step the code belongs to (the current one or one either side, for clock drift), or None.

    A step at or before ``last_step`` is refused: a code is good once."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP)
    for step in (current - 1, current, current + 1):
        if step > last_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None

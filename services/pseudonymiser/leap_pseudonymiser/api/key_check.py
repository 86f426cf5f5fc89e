"""``GET /key-check``: the key id and check value, so a provider can confirm it holds the same key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from leap_contracts.pseudonymisation import SPEC_VERSION, key_check_value

from leap_pseudonymiser.settings import Settings


def key_check_router(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/key-check")
    async def key_check() -> dict[str, Any]:
        """The key id and check value, so a provider can confirm it holds the same key."""
        return {"key_id": settings.key_id, "key_check_value": key_check_value(settings.key_bytes),
                "spec_version": SPEC_VERSION,
                "previous_keys": [{"key_id": t.key_id, "key_check_value": t.key_check_value}
                                  for t in settings.previous_tokenisers]}

    return router

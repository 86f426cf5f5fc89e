"""``Authorization: Bearer <token>`` -> the calling provider, or 401."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from leap_uploader.service.auth import Provider, authenticate

_bearer = HTTPBearer(auto_error=False, description="The provider's API token (leap_...), issued by the admin command.")


async def current_provider(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Provider:
    if credentials is None:
        raise _unauthorised("missing API token: send 'Authorization: Bearer <token>'")
    provider = await authenticate(request.app.state.services.pool, credentials.credentials)
    if provider is None:
        raise _unauthorised("the API token is not valid or has been revoked")
    return provider


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


CurrentProvider = Annotated[Provider, Depends(current_provider)]

import asyncio
import hashlib
import os
import re
import sys
import uuid

import pytest

pytestmark = pytest.mark.integration


async def admin(database_url: str, *args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPLOADER_")} | {"UPLOADER_DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "leap_uploader.admin", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, out.decode(), err.decode()


async def can_read(h, token: str) -> int:
    response = await h.client.get(f"/api/v1/uploads/{uuid.uuid4()}", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def test_create_provider_prints_only_the_token_and_is_idempotent(h, database_url) -> None:
    code, out, err = await admin(database_url, "create-provider", "--id", "libraries", "--name", "Libraries charity",
                                 "--service", "DL", "--service", "can")
    assert code == 0, err
    match = re.fullmatch(r"token: (leap_[A-Za-z0-9_-]{40})\n", out)
    assert match, out
    token = match.group(1)
    assert await can_read(h, token) == 404  # authenticated; the upload simply does not exist
    stored = await h.pool.fetchval("SELECT token_hash FROM api_tokens")
    assert stored == hashlib.sha256(token.encode()).hexdigest()  # only the hash is kept

    code, out2, _ = await admin(database_url, "create-provider", "--id", "libraries", "--name", "Libraries charity",
                                "--service", "DL", "--service", "NT")
    assert code == 0 and out2 != out
    code, listing, _ = await admin(database_url, "list-providers")
    assert listing == "libraries\tLibraries charity\tservices=CAN,DL,NT\tactive_tokens=1,2\n"

    code, out, _ = await admin(database_url, "revoke-token", "--id", "1")
    assert (code, out) == (0, "revoked: 1\n")
    assert await can_read(h, token) == 401


async def test_unknown_service_code_is_refused(h, database_url) -> None:
    code, out, err = await admin(database_url, "create-provider", "--id", "x", "--name", "X", "--service", "NOPE")
    assert code == 2 and out == "" and "unknown service code(s): NOPE" in err
    assert await h.pool.fetchval("SELECT count(*) FROM providers") == 0


async def test_revoke_all_tokens_of_a_provider(h, database_url) -> None:
    tokens = []
    for _ in range(2):
        _, out, _ = await admin(database_url, "create-provider", "--id", "p", "--name", "P", "--service", "CAN")
        tokens.append(out.removeprefix("token: ").strip())
    code, out, _ = await admin(database_url, "revoke-token", "--provider", "p")
    assert out == "revoked: 2\n"
    assert [await can_read(h, t) for t in tokens] == [401, 401]

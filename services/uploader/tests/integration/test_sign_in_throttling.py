"""Sign-in throttling instead of lockout (OWASP ASVS 2.2.1): growing waits per account, address and known
device; the owner still signs in from their usual browser with the right password and code while someone
hammers their account; admins are alerted; changing or disabling a user ends their sessions everywhere."""

from __future__ import annotations

import orjson
import pytest

from leap_contracts import topics
from leap_uploader.service import users
from uploader_web_helpers import PASSWORD, Browser, csrf, make_user

pytestmark = pytest.mark.integration


async def _fail(pool, account: str, times: int, address: str = "10.6.6.6") -> None:
    """Failures as an attacker's earlier attempts left them (the waits between them already served)."""
    await pool.executemany("INSERT INTO sign_in_failures (address, account, failed_at) "
                           "VALUES ($1, $2, now() - interval '10 minutes')", [(address, account)] * times)


async def test_failures_make_attempts_wait_longer_and_longer_without_checking_the_password(app, pool):
    await make_user(pool, "victim.one", "analyst")
    attacker = Browser(app, address="10.6.6.6")
    try:
        for _ in range(5):
            assert (await attacker.password_step("victim.one", "wrong password!!")).status_code == 401
        right = await attacker.password_step("victim.one")  # right password, but it must wait: not even checked
        wrong = await attacker.password_step("victim.one", "wrong password!!")
        assert right.status_code == wrong.status_code == 429
        assert "wait 1 seconds" in right.text and "locked" not in right.text
        await pool.execute("UPDATE sign_in_failures SET failed_at = failed_at - interval '1 hour' "
                           "WHERE account = 'victim.one'")  # forgotten after an hour
        await _fail(pool, "victim.one", 8)
        await pool.execute("UPDATE sign_in_failures SET failed_at = now() WHERE account = 'victim.one' "
                           "AND failed_at > now() - interval '1 hour'")
        assert "wait 8 seconds" in (await attacker.password_step("victim.one")).text  # 2 ** (8 - 5)
        await _fail(pool, "victim.one", 30)
        await pool.execute("UPDATE sign_in_failures SET failed_at = now() WHERE account = 'victim.one'")
        assert "wait 900 seconds" in (await attacker.password_step("victim.one")).text  # the longest wait
    finally:
        await attacker.close()
    assert await pool.fetchval("SELECT locked_until FROM users WHERE username = 'victim.one'") is None


async def test_the_owner_signs_in_from_their_usual_browser_while_the_account_is_attacked(app, pool):
    await make_user(pool, "owner.one", "admin")
    owner = Browser(app, address="192.0.2.10")
    attacker = Browser(app, address="10.6.6.6")
    newcomer = Browser(app, address="10.6.6.6")  # another browser behind the attacker's shared address
    try:
        assert (await owner.sign_in("owner.one")).url.path == "/admin"  # the device cookie is set
        assert "leap_device" in owner.http.cookies
        await owner.http.post("/sign-out", data={"csrf_token": await owner.token("/admin")})
        await _fail(pool, "owner.one", 9)  # an attack under way, its waits served so far
        assert (await attacker.password_step("owner.one", "wrong password!!")).status_code == 401  # the 10th
        await pool.execute("UPDATE sign_in_failures SET failed_at = now() WHERE account = 'owner.one'")
        assert (await attacker.password_step("owner.one")).status_code == 429
        assert (await newcomer.password_step("owner.one")).status_code == 429  # an unknown browser waits too
        page = await owner.password_step("owner.one")  # the usual browser: judged by its own failures only
        assert page.status_code == 200 and "/sign-in/code" in str(page.url)
        done = await owner.http.post("/sign-in/code", data={"code": owner.next_code(), "csrf_token": csrf(page.text)})
        assert done.status_code == 200 and done.url.path == "/admin"
        assert 'id="sign-in-alerts"' in done.text and "user:owner.one" in done.text  # the admins are alerted
    finally:
        for b in (owner, attacker, newcomer):
            await b.close()
    alerts = await pool.fetch("SELECT target FROM audit_log WHERE action = 'sign_in.alert'")
    assert [a["target"] for a in alerts if a["target"].startswith("user:")] == ["user:owner.one"]  # once a window


async def test_a_shared_address_does_not_keep_out_someone_with_a_known_device(app, pool, services):
    await make_user(pool, "nat.user", "analyst")
    user = Browser(app, address="10.7.7.7")
    try:
        await user.sign_in("nat.user")
        await user.http.post("/sign-out", data={"csrf_token": await user.token()})
        await _fail(pool, "someone-else", services.settings.sign_in_address_limit - 1, address="10.7.7.7")
        stranger = Browser(app, address="10.7.7.7")
        assert (await stranger.password_step("someone-else", "wrong password!!")).status_code == 401
        await pool.execute("UPDATE sign_in_failures SET failed_at = now()")
        assert (await stranger.password_step("nat.user")).status_code == 429  # behind the busy address
        await stranger.close()
        assert (await user.password_step("nat.user")).status_code == 200
    finally:
        await user.close()
    assert await pool.fetchval("SELECT count(*) FROM audit_log WHERE action = 'sign_in.alert' "
                               "AND target = 'address:10.7.7.7'") == 1


async def test_wrong_codes_end_the_half_session(app, pool):
    await make_user(pool, "code.guesser", "analyst")
    b = Browser(app, address="10.8.8.8")
    try:
        page = await b.password_step("code.guesser")
        for _ in range(5):
            page = await b.http.post("/sign-in/code", data={"code": "000000", "csrf_token": csrf(page.text)})
            assert page.status_code == 401
        assert "sign in again" in page.text and page.url.path == "/sign-in/code"
        assert (await b.http.get("/sign-in/code")).url.path == "/sign-in"
    finally:
        await b.close()


async def _sessions_ended_events(pool) -> list[dict]:
    rows = await pool.fetch("SELECT topic, value FROM outbox WHERE topic LIKE '%' || $1 ORDER BY id",
                            topics.SESSIONS_ENDED.name)
    return [orjson.loads(r["value"])["payload"] for r in rows]


@pytest.mark.parametrize("changes, reason", [({"disabled": True}, "disabled"), ({"role": "admin"}, "role_changed"),
                                             ({"password": PASSWORD + "!"}, "password_changed"),
                                             ({"reset_totp": True}, "second_factor_reset")])
async def test_changing_a_user_ends_their_sessions_here_and_everywhere(app, pool, changes, reason):
    user_id = await make_user(pool, "changed.one", "analyst")
    b = Browser(app)
    try:
        await b.sign_in("changed.one")
        assert (await b.http.get("/uploads")).url.path == "/uploads"
        await users.change_user(pool, "test", user_id, **changes)
        assert (await b.http.get("/uploads")).url.path == "/sign-in"
    finally:
        await b.close()
    [event] = await _sessions_ended_events(pool)
    assert event["user_id"] == str(user_id) and event["reason"] == reason


async def test_unlocking_clears_failures_and_a_no_op_ends_nothing(app, pool):
    user_id = await make_user(pool, "plain.one", "analyst")
    await _fail(pool, "plain.one", 9)
    await users.change_user(pool, "test", user_id, unlock=True, role="analyst")
    assert await pool.fetchval("SELECT count(*) FROM sign_in_failures WHERE account = 'plain.one'") == 0
    assert await _sessions_ended_events(pool) == []


async def test_an_admin_ends_every_session(app, pool):
    await make_user(pool, "admin.end", "admin")
    await make_user(pool, "other.one", "analyst")
    admin, other = Browser(app), Browser(app, address="192.0.2.77")
    try:
        await admin.sign_in("admin.end")
        await other.sign_in("other.one")
        page = await admin.http.get("/admin")
        assert 'action="/admin/sessions/end-all"' in page.text
        done = await admin.http.post("/admin/sessions/end-all", data={"csrf_token": csrf(page.text)})
        assert done.status_code == 200 and "every session ended (1 here" in done.text
        assert (await other.http.get("/uploads")).url.path == "/sign-in"
        assert (await admin.http.get("/admin")).url.path == "/admin"  # the admin's own stays
    finally:
        await admin.close()
        await other.close()
    [event] = await _sessions_ended_events(pool)
    assert event["user_id"] is None and event["reason"] == "all_ended_by_admin"
    assert await pool.fetchval("SELECT count(*) FROM audit_log WHERE action = 'sessions.all_ended'") == 1

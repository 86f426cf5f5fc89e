import time

from pydantic import SecretStr

from leap_reporter.auth import _from_cookie, role_for_token, session_cookie
from leap_reporter.settings import Settings

SETTINGS = Settings(database_url="postgresql://x@y/z", analyst_token=SecretStr("an"), admin_token=SecretStr("ad"))


def test_tokens_give_roles():
    assert role_for_token(SETTINGS, "ad") == "admin"
    assert role_for_token(SETTINGS, "an") == "analyst"
    assert role_for_token(SETTINGS, "other") is None


def test_session_cookie_is_signed_and_expires():
    cookie = session_cookie(SETTINGS, "analyst")
    assert _from_cookie(SETTINGS, cookie) == "analyst"
    assert _from_cookie(SETTINGS, cookie.replace("analyst", "admin", 1)) is None  # tampered role
    assert _from_cookie(SETTINGS, session_cookie(SETTINGS, "analyst", now=time.time() - 9 * 3600)) is None
    other = Settings(database_url="postgresql://x@y/z", analyst_token=SecretStr("changed"))
    assert _from_cookie(other, cookie) is None  # a new token invalidates old sessions

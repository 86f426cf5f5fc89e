import time

import pytest
from pydantic import SecretStr, ValidationError

from leap_contracts.identity import new_key_pair
from leap_reporter.auth import role_for_token, session_cookie, session_from_cookie
from leap_reporter.settings import Settings

SETTINGS = Settings(database_url="postgresql://x@y/z", analyst_token=SecretStr("an"), admin_token=SecretStr("ad"))
PUBLIC = new_key_pair()[1]
SSO = {"database_url": "postgresql://x@y/z", "identity_public_key": PUBLIC,
       "sign_in_url": "http://127.0.0.1:8001/sso/reporter", "session_key": "k" * 32}


def test_tokens_give_roles():
    assert role_for_token(SETTINGS, "ad") == "admin"
    assert role_for_token(SETTINGS, "an") == "analyst"
    assert role_for_token(SETTINGS, "other") is None


def test_session_cookie_is_signed_and_expires():
    cookie = session_cookie(SETTINGS, "analyst")
    assert session_from_cookie(SETTINGS, cookie).role == "analyst"
    body, signature = cookie.split(".")
    forged = session_cookie(SETTINGS, "admin").split(".")[0]
    assert session_from_cookie(SETTINGS, f"{forged}.{signature}") is None  # tampered role
    assert session_from_cookie(SETTINGS, session_cookie(SETTINGS, "analyst", now=time.time() - 9 * 3600)) is None
    other = Settings(database_url="postgresql://x@y/z", analyst_token=SecretStr("changed"))
    assert session_from_cookie(other, cookie) is None  # a new token invalidates old sessions
    assert session_from_cookie(SETTINGS, "garbage") is None


def test_a_single_sign_on_session_carries_the_username_under_the_session_key():
    settings = Settings(**SSO)
    session = session_from_cookie(settings, session_cookie(settings, "admin", "ana.lyst"))
    assert (session.username, session.role) == ("ana.lyst", "admin")
    assert session_from_cookie(Settings(**{**SSO, "session_key": "j" * 32}),
                               session_cookie(settings, "admin", "ana.lyst")) is None


@pytest.mark.parametrize("change, message", [
    ({"sign_in_url": None}, "or neither"), ({"session_key": None}, "REPORTER_SESSION_KEY"),
    ({"session_key": "short"}, "REPORTER_SESSION_KEY"), ({"identity_public_key": "nope"}, "32"),
    ({"sign_in_url": "/sso/reporter"}, "absolute")])
def test_single_sign_on_settings_refuse_to_start_incomplete(change, message):
    with pytest.raises(ValidationError, match=message):
        Settings(**{**SSO, **change})

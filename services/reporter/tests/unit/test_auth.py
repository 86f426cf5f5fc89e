import pytest
from pydantic import SecretStr, ValidationError

from leap_contracts.identity import new_key_pair
from leap_reporter.api.auth import role_for_token
from leap_reporter.settings import Settings

SETTINGS = Settings(database_url="postgresql://x@y/z", analyst_token=SecretStr("an"), admin_token=SecretStr("ad"))
PUBLIC = new_key_pair()[1]
SSO = {"database_url": "postgresql://x@y/z", "identity_public_key": PUBLIC,
       "sign_in_url": "http://127.0.0.1:8001/sso/reporter", "session_key": "k" * 32}


def test_tokens_give_roles():
    assert role_for_token(SETTINGS, "ad") == "admin"
    assert role_for_token(SETTINGS, "an") == "analyst"
    assert role_for_token(SETTINGS, "other") is None


@pytest.mark.parametrize("change, message", [
    ({"sign_in_url": None}, "or neither"), ({"identity_public_key": "nope"}, "32"),
    ({"sign_in_url": "/sso/reporter"}, "absolute")])
def test_single_sign_on_settings_refuse_to_start_incomplete(change, message):
    with pytest.raises(ValidationError, match=message):
        Settings(**{**SSO, **change})

import base64

import orjson
import pytest

from leap_contracts.identity import (InvalidAssertion, issue, load_private_key, load_public_key, new_key_pair,
                                     verify)

PRIVATE, PUBLIC = new_key_pair()
SIGNING, CHECKING = load_private_key(PRIVATE), load_public_key(PUBLIC)
NOW = 1_800_000_000


def _issue(**overrides):
    fields = {"user_id": 7, "username": "ana.lyst", "role": "analyst", "audience": "reporter", "now": NOW}
    return issue(SIGNING, **{**fields, **overrides})


def test_a_valid_assertion_gives_its_claims():
    claims = verify(CHECKING, _issue(), audience="reporter", now=NOW + 30)
    assert (claims.sub, claims.username, claims.role, claims.aud) == ("7", "ana.lyst", "analyst", "reporter")
    assert claims.exp - claims.iat == 60 and len(claims.nonce) >= 16


def test_every_assertion_has_its_own_nonce():
    assert verify(CHECKING, _issue(), audience="reporter", now=NOW).nonce != \
        verify(CHECKING, _issue(), audience="reporter", now=NOW).nonce


def test_an_expired_assertion_is_refused():
    with pytest.raises(InvalidAssertion, match="expired"):
        verify(CHECKING, _issue(), audience="reporter", now=NOW + 61)


def test_an_assertion_from_the_future_is_refused():
    with pytest.raises(InvalidAssertion, match="expired"):
        verify(CHECKING, _issue(), audience="reporter", now=NOW - 60)


def test_the_wrong_audience_is_refused():
    with pytest.raises(InvalidAssertion, match="another service"):
        verify(CHECKING, _issue(audience="matcher"), audience="reporter", now=NOW)


def test_a_tampered_assertion_is_refused():
    body, signature = _issue().split(".")
    claims = orjson.loads(base64.urlsafe_b64decode(body + "=="))
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(orjson.dumps(claims)).rstrip(b"=").decode()
    with pytest.raises(InvalidAssertion, match="signature"):
        verify(CHECKING, f"{forged}.{signature}", audience="reporter", now=NOW)


def test_another_key_is_refused():
    other = load_public_key(new_key_pair()[1])
    with pytest.raises(InvalidAssertion, match="signature"):
        verify(other, _issue(), audience="reporter", now=NOW)


@pytest.mark.parametrize("token", ["", "no-dot", ".x", "x.", "a.b.c", "!!.??"])
def test_malformed_assertions_are_refused(token):
    with pytest.raises(InvalidAssertion):
        verify(CHECKING, token, audience="reporter", now=NOW)


def test_keys_load_from_pem_too():
    from cryptography.hazmat.primitives import serialization
    pem = SIGNING.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public_pem = CHECKING.public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    token = issue(load_private_key(pem), user_id=1, username="a", role="admin", audience="reporter", now=NOW)
    assert verify(load_public_key(public_pem), token, audience="reporter", now=NOW).role == "admin"


@pytest.mark.parametrize("text", ["not base64!", base64.b64encode(b"short").decode()])
def test_bad_keys_are_refused_clearly(text):
    with pytest.raises(ValueError, match="32"):
        load_public_key(text)

import hashlib
import re

from leap_uploader.domain.tokens import hash_token, looks_like_token, new_token


def test_token_is_prefix_and_40_url_safe_characters() -> None:
    token = new_token()
    assert re.fullmatch(r"leap_[A-Za-z0-9_-]{40}", token)
    assert looks_like_token(token)


def test_tokens_are_random() -> None:
    assert len({new_token() for _ in range(100)}) == 100


def test_hash_is_sha256_hex_of_the_whole_token() -> None:
    token = new_token()
    assert hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", hash_token(token))


def test_malformed_tokens_are_not_tokens() -> None:
    assert not looks_like_token("leap_short")
    assert not looks_like_token("x" * 45)

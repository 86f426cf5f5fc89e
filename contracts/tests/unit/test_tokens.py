from datetime import date

import pytest

from leap_contracts.pseudonymisation import Tokeniser, key_check_value

KEY = bytes(range(32))


def test_tokens_are_deterministic_and_keyed():
    a, b = Tokeniser(KEY, "k1"), Tokeniser(bytes(32), "k2")
    assert a.email("x@y.org") == Tokeniser(KEY, "k1").email("x@y.org")
    assert a.email("x@y.org") != b.email("x@y.org")
    assert len(a.email("x@y.org")) == 64


def test_fields_are_unambiguous():
    t = Tokeniser(KEY, "k")
    assert t.provider_record_id("ab", "c") != t.provider_record_id("a", "bc")


def test_identifier_types_are_separated():
    t = Tokeniser(KEY, "k")
    assert t.email("7700900123") != t.mobile("7700900123")


def test_child_key_uses_all_parts():
    t = Tokeniser(KEY, "k")
    base = t.child_key("p@x.org", date(2023, 1, 2), "female", "oli")
    assert base != t.child_key("p@x.org", date(2023, 1, 2), "male", "oli")
    assert base != t.child_key("p@x.org", date(2023, 1, 3), "female", "oli")


def test_short_keys_are_refused():
    with pytest.raises(ValueError):
        Tokeniser(b"short", "k")


def test_key_check_value_differs_by_key_and_hides_it():
    assert key_check_value(KEY) != key_check_value(bytes(32))
    assert KEY.hex()[:12] != key_check_value(KEY)

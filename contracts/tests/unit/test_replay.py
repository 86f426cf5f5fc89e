from leap_contracts.delivery.replay import Letter, letter_for


def test_only_the_named_groups_letters_are_replayed_to_their_source_with_their_key():
    headers = [("error", b"failed 5 times: TimeoutError"), ("group_id", b"p.leap-matcher"), ("key", b"upload-1")]
    assert letter_for("p.leap-matcher", b"p.records.pseudonymised.v1", b"{...}", headers) == \
        Letter("p.records.pseudonymised.v1", b"upload-1", b"{...}", "failed 5 times: TimeoutError")
    assert letter_for("p.leap-reporter", b"p.records.pseudonymised.v1", b"{...}", headers) is None


def test_a_letter_without_a_source_is_skipped_and_a_missing_key_stays_missing():
    headers = [("group_id", b"g")]
    assert letter_for("g", None, b"x", headers) is None
    assert letter_for("g", b"t", b"x", headers + [("key", b"")]).key is None

"""Which individual an outcome record belongs to (pure), and which records a change must link again."""

from leap_matcher.domain.outcome_links import BRIDGES, UNLINKABLE, Link, link


def test_one_owner_links_none_unlinked_several_bridge_and_no_token_is_unlinkable():
    owner = {b"a": 1, b"b": 2, b"c": 1}
    assert link([b"a", b"c"], owner) == Link(1, None, (1,))
    assert link([b"a", b"x"], owner) == Link(1, None, (1,))
    assert link([b"x"], owner) == Link(None)
    assert link([b"a", b"b"], owner) == Link(None, BRIDGES, (1, 2))
    assert link([b"a", b"b"], owner).bridges
    assert link([], owner) == Link(None, UNLINKABLE)

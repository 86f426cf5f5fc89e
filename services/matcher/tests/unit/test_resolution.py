from hypothesis import given
from hypothesis import strategies as st

from leap_matcher.domain.resolution import resolve

A, B, C, D = b"a", b"b", b"c", b"d"


def test_records_sharing_a_token_form_one_new_individual():
    [component] = resolve([[A], [A, B], [B]], {})
    assert component.records == [0, 1, 2] and component.known == set() and component.survivor is None


def test_unrelated_records_stay_apart():
    assert len(resolve([[A], [B]], {})) == 2


def test_record_joins_the_individual_holding_its_token():
    [component] = resolve([[A, C]], {A: 7})
    assert component.survivor == 7 and component.merged == []


def test_bridging_record_merges_into_the_oldest():
    [component] = resolve([[A, B]], {A: 9, B: 4})
    assert component.survivor == 4 and component.merged == [9]


def test_bridge_through_chunk_records():
    components = resolve([[A], [C], [A, D], [D, B]], {A: 3, B: 5})
    joined = next(c for c in components if 0 in c.records)
    assert sorted(joined.records) == [0, 2, 3] and joined.survivor == 3 and joined.merged == [5]


def _components_directly(records):
    """Reference: connected components by repeated merging of token sets (quadratic, obviously right)."""
    groups = [({i}, set(tokens)) for i, tokens in enumerate(records)]
    merged = True
    while merged:
        merged = False
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                if groups[x][1] & groups[y][1]:
                    groups[x] = (groups[x][0] | groups[y][0], groups[x][1] | groups[y][1])
                    del groups[y]
                    merged = True
                    break
            if merged:
                break
    return sorted(sorted(g[0]) for g in groups)


@given(st.lists(st.lists(st.binary(min_size=1, max_size=1), min_size=1, max_size=3), min_size=1, max_size=25))
def test_components_equal_direct_computation(records):
    got = sorted(sorted(c.records) for c in resolve(records, {}))
    assert got == _components_directly(records)

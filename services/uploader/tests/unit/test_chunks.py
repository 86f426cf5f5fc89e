import pytest

from leap_uploader.domain.chunks import Chunker


def collect(size: int, n: int) -> list[tuple[int, list[int]]]:
    out: list[tuple[int, list[int]]] = []
    chunker: Chunker[int] = Chunker(size, lambda i, items: out.append((i, items)))
    for x in range(n):
        chunker.add(x)
    assert chunker.close() == len(out)
    return out


def test_chunks_are_numbered_from_zero_and_full_but_the_last() -> None:
    out = collect(3, 7)
    assert [i for i, _ in out] == [0, 1, 2]
    assert [items for _, items in out] == [[0, 1, 2], [3, 4, 5], [6]]


def test_exact_multiple_has_no_empty_tail() -> None:
    assert [len(items) for _, items in collect(5, 10)] == [5, 5]


def test_nothing_in_nothing_out() -> None:
    assert collect(5, 0) == []


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Chunker(0, lambda i, items: None)

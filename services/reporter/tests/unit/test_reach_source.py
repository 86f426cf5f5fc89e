"""Where reach figures are counted is chosen in one place: the view's index for exact individuals, else SQL."""

from types import SimpleNamespace

from leap_reporter.service.reach_source import IndexSource, SqlSource, reach_source

POOL = object()
INDEX = SimpleNamespace(rows=object())


def test_the_index_answers_exact_figures_when_the_view_has_one():
    assert reach_source(POOL, SimpleNamespace(index=INDEX)) == IndexSource(INDEX)
    assert reach_source(POOL, SimpleNamespace(index=INDEX), "exact").linkage == "exact"


def test_sql_answers_without_an_index_and_under_tolerant_linkage():
    assert reach_source(POOL, None) == SqlSource(POOL, "exact")
    assert reach_source(POOL, SimpleNamespace(index=None), "tolerant") == SqlSource(POOL, "tolerant")
    assert reach_source(POOL, SimpleNamespace(index=INDEX), "tolerant") == SqlSource(POOL, "tolerant")
    assert reach_source(POOL, SimpleNamespace(index=SimpleNamespace(rows=None))) == SqlSource(POOL, "exact")

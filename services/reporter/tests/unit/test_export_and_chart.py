import io

from openpyxl import load_workbook

from leap_reporter.adapters.export import safe_cell, to_csv, to_xlsx
from leap_reporter.domain.tables import Table
from leap_reporter.web.svg import bar_chart

TABLE = Table("t", "T", ("key", "Label", "Count"),
              (("a", "=HYPERLINK(\"x\")", 10), ("b", "+1", "*"), ("c", "-2", 5), ("d", "@x", 0), ("e", "\tx", 1)))


def test_cells_that_excel_would_run_as_formulas_are_quoted():
    assert [safe_cell(v) for v in ("=1", "+1", "-1", "@1", "\t1", "\r1", "ok", 5, None)] == \
        ["'=1", "'+1", "'-1", "'@1", "'\t1", "'\r1", "ok", 5, ""]


def test_csv_has_a_bom_no_key_column_and_quoted_formulas():
    text = to_csv(TABLE).decode()
    assert text.startswith("\ufeffLabel,Count\r\n")
    assert "'=HYPERLINK" in text and "'+1,*" in text


def test_xlsx_keeps_numbers_and_never_stores_a_formula():
    sheet = load_workbook(io.BytesIO(to_xlsx(TABLE))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Label", "Count"]
    assert values[1] == ["'=HYPERLINK(\"x\")", 10]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_chart_draws_a_bar_per_number_and_a_star_for_suppressed():
    svg = bar_chart(["2024 Q1", "2024 Q2<"], [10, "*"], line=[10, 15])
    assert svg.count("<rect") == 1 and ">*<" in svg and "&lt;" in svg and "<polyline" in svg

from datetime import date

from leap_reporter.adapters.reach_sql import build_query
from leap_reporter.domain.disclosure import Disclosure
from leap_reporter.domain.filters import ReachFilters
from leap_reporter.domain.reach import ServiceReach, reach_figures


def test_figures_name_services_from_the_catalogue_in_catalogue_order_and_drop_zeros():
    figures = reach_figures(5, {"MIR": 2, "CAN": 3, "PINE": 0, "NEW": 1})
    assert figures.unique_beneficiaries == 5
    assert figures.by_service == (
        ServiceReach("CAN", "Community Activity & Nutrition", "Diet & Nutrition", 3),
        ServiceReach("MIR", "Making it REAL", "Communication & Language Development", 2),
        ServiceReach("NEW", None, None, 1),
    )


def test_figures_pass_through_the_disclosure_step():
    figures = reach_figures(23, {"CAN": 3, "MIR": 21}, Disclosure())
    assert figures.unique_beneficiaries == 25 and figures.suppressed
    assert [s.unique_beneficiaries for s in figures.by_service] == ["*", "*"]  # MIR hidden too: 23 - 3 = 20


def test_query_only_filters_on_what_was_asked():
    sql, args = build_query(ReachFilters())
    assert args == [] and "service_code = ANY" not in sql and "e.attended" in sql
    sql, args = build_query(ReachFilters(services=("CAN",), ward="Tulse Hill", date_from=date(2024, 1, 1)))
    assert args == [["CAN"], date(2024, 1, 1), "tulse hill"]
    assert "engagement_date <=" not in sql and "lower(ward_name) = $3" in sql


def test_person_filters_use_the_people_attributes():
    sql, args = build_query(ReachFilters(gender="female", age_band="1 year"))
    assert "people AS" in sql and args == ["female", "1 year"]

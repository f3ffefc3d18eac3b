"""Python calls per request (issue 33): every route of the load test's mix (bench/cpu.py
routes()), at ×10 data on a pinned day, against its ceiling in bench/cpu_budget.toml. The
count is deterministic, so a change that makes a page dearer fails here until its own diff
raises the ceiling (`python -m bench.cpu --write-budget`), where a reviewer sees it."""
import pytest

from bench import cpu

# A ceiling this far above what is measured no longer catches a regression of that size.
SLACK = 1.10


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    return cpu.measure_calls(tmp_path_factory.mktemp("cpu"))


@pytest.fixture(scope="module")
def budget():
    return cpu.read_budget()


def test_every_route_of_the_load_mix_has_a_ceiling(measured, budget):
    assert list(budget) == list(measured)


def test_no_route_makes_more_python_calls_than_its_ceiling(measured, budget):
    over = {route: f"{n} calls, ceiling {budget[route]}"
            for route, n in measured.items() if n > budget.get(route, 0)}
    assert not over, (f"dearer than {cpu.BUDGET.name} allows: {over}; if that is meant, "
                      "`python -m bench.cpu --write-budget` and say why in the commit")


def test_ceilings_stay_close_to_what_routes_make(measured, budget):
    slack = {route: f"{n} calls, ceiling {budget[route]}"
             for route, n in measured.items() if budget.get(route, 0) > n * SLACK}
    assert not slack, (f"cheaper than {cpu.BUDGET.name} says: {slack}; lower the ceilings "
                       "with `python -m bench.cpu --write-budget`")

"""The population simulation: every safety invariant holds with 0 violations over
60 sessions of synthetic people, and the pace is neither none nor reckless."""

from __future__ import annotations

import pytest

from backfit.catalog import load_catalog
from backfit.plan.rules import default_dose_caps, default_programme_rules, default_progression_rules
from backfit.plan.simulation import INVARIANTS, Context, Person, population, run

CTX = Context(load_catalog(), default_programme_rules(), default_progression_rules(), default_dose_caps())


CHUNKS = 4
"""The test population runs in this many parts, so that test workers share it."""


def _check(people: list[Person]) -> None:
    report = run(people, CTX, sessions=60, repeat_every=5)
    broken = {name: report.violations.examples[name] for name in INVARIANTS if report.violations.counts[name]}
    assert broken == {}
    assert report.sessions > 20 * len(people), "people stop coming back: the simulation is not exercising the rules"
    for family, (top, n) in report.pace.items():
        assert top >= n / 2, f"{family}: only {top} of {n} compliant, pain-free people reach the top in 60"
    assert report.median_share_of_budget <= 1.0


@pytest.mark.parametrize("chunk", range(CHUNKS), ids=[f"part-{k + 1}-of-{CHUNKS}" for k in range(CHUNKS)])
def test_every_kind_of_person_breaks_no_safety_invariant(chunk: int) -> None:
    """Two people of every experience x equipment x minutes x starting pain (1,920 people x 60 sessions):
    one fully compliant and pain-free, one with random completion, effort and pain. The whole
    population of 10,560 runs as `make bench BENCH=safety`."""
    _check(population(replicates=2)[chunk::CHUNKS])

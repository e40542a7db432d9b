"""The population simulation: every safety invariant holds with 0 violations over
60 sessions of synthetic people, and the pace is neither none nor reckless."""

from __future__ import annotations

import pytest

from backfit.catalog import load_catalog
from backfit.plan.rules import default_dose_caps, default_programme_rules, default_progression_rules
from backfit.plan.simulation import INVARIANTS, Context, population, run

CTX = Context(load_catalog(), default_programme_rules(), default_progression_rules(), default_dose_caps())


def _check(people_every: int) -> None:
    people = population()[::people_every]
    report = run(people, CTX, sessions=60, repeat_every=5)
    broken = {name: report.violations.examples[name] for name in INVARIANTS if report.violations.counts[name]}
    assert broken == {}
    assert report.sessions > 20 * len(people), "people stop coming back: the simulation is not exercising the rules"
    for family, (top, n) in report.pace.items():
        assert top >= n / 2, f"{family}: only {top} of {n} compliant, pain-free people reach the top in 60"
    assert report.median_share_of_budget <= 1.0


def test_a_sample_of_the_population_breaks_no_safety_invariant() -> None:
    _check(people_every=23)


@pytest.mark.slow
def test_the_whole_population_breaks_no_safety_invariant() -> None:
    _check(people_every=1)

"""Safety benchmark: the population simulation of the coaching rules.

Every experience x equipment x minutes x starting pain, 11 people each (10,560
people, the first of each fully compliant and pain-free) x 60 sessions through
the same coaching step the services run; prints each safety invariant's
violations (all must be 0), the run time and the pace.

    python -m benchmarks safety
"""

from __future__ import annotations

import time

from backfit.catalog import load_catalog
from backfit.plan.rules import default_dose_caps, default_programme_rules, default_progression_rules
from backfit.plan.simulation import Context, population, report_lines, run


def main() -> None:
    ctx = Context(load_catalog(), default_programme_rules(), default_progression_rules(), default_dose_caps())
    people = population()
    start = time.perf_counter()
    report = run(people, ctx, sessions=60)
    took = time.perf_counter() - start
    for line in report_lines(report):
        print(line)
    print(f"run time {took:.1f} s ({1e6 * took / max(1, report.sessions):.0f} us a session)")
    broken = sum(report.violations.counts.values())
    if broken:
        raise SystemExit(f"{broken} safety invariant violation(s)")


if __name__ == "__main__":
    main()

"""Issue 6.7b/c: the ledger invariant under load, for 10 seeds.

Environment:
    BANKDASH_SIM_SEED=<n>      run (replay) only seed n
    BANKDASH_SIM_SEEDS=<k>     how many seeds (default 10: seeds 0..k-1)
    BANKDASH_SIM_OPS=<n>       operations per seed (default 2,500; the issue's figure is 10,000)
    BANKDASH_SIM_THREADS=<n>   threads (default 16; 1 replays one exact history)

Why 2,500 by default: every operation is a real service call (about 8 queries, one
commit, the budget check and the audit row) and costs about 2.5 ms of Python time
under the GIL. Measured on the 2-core machine (shared with other work): 10 seeds x
10,000 operations = 100,000 operations in 7 min 26 s (about 230 per second), all green;
10 seeds x 2,500 in about 1 min 50 s, which is what a plain `pytest` run does.
`BANKDASH_SIM_OPS=10000` runs the issue's full size.
"""

from __future__ import annotations

import os

import pytest

from apps.alerts.models import Alert
from tests.conftest import add_to_figure, record_figure

from .invariants import has_recalculate_balances, ledger_problems, recalculate_balances_check
from .simulation import Simulation

OPS = int(os.environ.get("BANKDASH_SIM_OPS", "2500"))
THREADS = int(os.environ.get("BANKDASH_SIM_THREADS", "16"))
SEEDS = (
    [int(os.environ["BANKDASH_SIM_SEED"])] if os.environ.get("BANKDASH_SIM_SEED")
    else list(range(int(os.environ.get("BANKDASH_SIM_SEEDS", "10"))))
)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_ledger_invariant_holds_under_concurrent_mixed_operations(committed_db, seed):
    simulation = Simulation(committed_db=committed_db, seed=seed, operations=OPS, threads=THREADS)
    simulation.setup()
    simulation.run()

    outcomes = simulation.outcomes()
    problems = simulation.bookkeeping_problems() + ledger_problems(simulation.owner_ids)
    green, output = recalculate_balances_check()
    if not green:
        problems.append(f"recalculate_balances --check: {output}")
    done = simulation.operations_done()
    alerts = Alert.objects.filter(owner_id__in=simulation.owner_ids, budget__isnull=False).count()
    record_figure("simulation: operations per seed x threads", f"{OPS} x {THREADS}")
    add_to_figure("simulation: seeds run", 1)
    add_to_figure("simulation: operations run", done)
    add_to_figure("simulation: seconds in the threads", round(simulation.elapsed))
    print(f"\nseed {seed}: {done} operations from {THREADS} threads in {simulation.elapsed:.1f}s "
          f"({done / max(simulation.elapsed, 1e-9):.0f} ops/s); "
          f"budget alerts: {alerts}; "
          f"recalculate_balances --check: {'run' if has_recalculate_balances() else 'not available yet'}; "
          + ", ".join(f"{k}={v}" for k, v in sorted(outcomes.items())))

    assert not problems, (
        f"seed {seed} broke the ledger ({len(problems)} problems) - replay with BANKDASH_SIM_SEED={seed}:\n"
        + "\n".join(problems[:50])
    )
    assert done == OPS, f"only {done} of {OPS} operations ran - replay with BANKDASH_SIM_SEED={seed}"
    # The mix really happened: successes and refusals of every kind.
    for name in ("income:ok", "expense:ok", "transfer:ok", "edit:ok", "delete:ok", "expense:refused",
                 "fail_foreign_account:refused", "fail_closed_account:refused", "replay_token:deduplicated"):
        assert outcomes[name] > 0 or OPS < 2000, f"seed {seed}: no {name} - replay with BANKDASH_SIM_SEED={seed}"
    # The budgets were crossed, so the no-duplicate-alert check had alerts to look at.
    assert alerts > 0 or OPS < 2000, f"seed {seed}: no budget alert - replay with BANKDASH_SIM_SEED={seed}"


def test_recalculate_balances_check_stays_green_after_the_suite(committed_db):
    """Runs last in the package (the package fixture checks once more at teardown)."""
    green, output = recalculate_balances_check()
    assert green, output
    assert ledger_problems() == []

"""The ledger invariant under load, for 10 seeds (full tier).

Its size follows the test tier (tests/tiers.py): the default tier (`make test`) runs a
short simulation, seed 0 x 1,000 operations (enough for every outcome and alert
check below: seed 0 had 6 budget alerts and 30 deduplicated replays at that size; seeds
1..9 are marked `full` and skipped with the reason); the full tier
(BANKDASH_FULL_TESTS=1, as .ci/run sets) runs 10 seeds x 10,000 operations.

Environment (overrides the tier):
    BANKDASH_SIM_SEED=<n>        run (replay) only seed n
    BANKDASH_SIM_SEEDS=<k>       run seeds 0..k-1 (default: 10, of which the default tier runs 1)
    BANKDASH_SIM_OPS=<n>         operations per seed (default 1,000, full tier 10,000)
    BANKDASH_SIM_THREADS=<n>     threads (default 16; 1 replays one exact history)
    BANKDASH_SIM_PROCESSES=<n>   worker processes the threads are spread over (default 2;
                                 1 runs every thread in the pytest process)

What it costs: every operation is a real service call (7 to 15 queries, one commit, the
budget check and the audit row), about 3.3 ms of Python CPU and 1.4 ms of PostgreSQL CPU.
Python threads in one process share one core (the GIL): 16 threads in one process made
about 250 operations per second (10 x 10,000 in 7 min 26 s). So the 16 threads run in 2
worker processes (8 each, tests/reliability/workers.py) against the same accounts, and
both cores are busy. Measured on the 2-core machine (with PostgreSQL on it, otherwise
nearly idle): 10 seeds x 10,000 operations = 100,000 operations from 16 threads, about
390 per second, 4 min 20 s for tests/reliability (249-255 s of it in the threads), all
green; the whole `pytest` run 6 min 27 s. The CPU is then the limit (about 91 % busy): 4
processes ran no faster and used more CPU.

It catches a broken service: without `select_for_update()` in services._lock_accounts,
seed 0 fails with some 250 problems (overdrafts the database constraints refuse).
"""

from __future__ import annotations

import os

import pytest

from apps.alerts.models import Alert
from tests.conftest import add_to_figure, record_figure
from tests.tiers import by_tier

from .invariants import ledger_problems, recalculate_balances_check
from .simulation import NOW, Simulation
from .workers import pool_for

SHORT_OPS = 1_000  # the default tier's size, the smallest at which the mix below is asserted
OPS = int(os.environ.get("BANKDASH_SIM_OPS") or by_tier(SHORT_OPS, 10_000))
THREADS = int(os.environ.get("BANKDASH_SIM_THREADS", "16"))
PROCESSES = min(THREADS, int(os.environ.get("BANKDASH_SIM_PROCESSES", "2")))
SHORT_SEEDS = 1  # seeds the default tier runs; the others are marked `full`
if os.environ.get("BANKDASH_SIM_SEED"):
    SEEDS = [int(os.environ["BANKDASH_SIM_SEED"])]
elif os.environ.get("BANKDASH_SIM_SEEDS"):
    SEEDS = list(range(int(os.environ["BANKDASH_SIM_SEEDS"])))
else:
    SEEDS = [seed if seed < SHORT_SEEDS else pytest.param(seed, marks=pytest.mark.full) for seed in range(10)]


def _replay(seed: int) -> str:
    return (f"replay with BANKDASH_SIM_SEED={seed} BANKDASH_SIM_OPS={OPS} BANKDASH_SIM_THREADS={THREADS} "
            f"(BANKDASH_SIM_THREADS=1: one exact history)")


@pytest.fixture(scope="module", autouse=True)
def frozen_clock():
    """The simulation's "now" (simulation.NOW, ticking), as in the worker processes."""
    import time_machine

    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(scope="module")
def worker_pool(committed_db):
    """The worker processes, started once for all seeds (None: run in this process)."""
    from django.conf import settings
    from django.db import connection

    pool = pool_for(threads=THREADS, processes=PROCESSES, database_name=connection.settings_dict["NAME"],
                    settings_module=settings.SETTINGS_MODULE)
    yield pool
    if pool is not None:
        pool.close()


@pytest.mark.slow
@pytest.mark.timeout(900)  # a seed's own limit is workers.RUN_TIMEOUT
@pytest.mark.parametrize("seed", SEEDS)
def test_ledger_invariant_holds_under_concurrent_mixed_operations(committed_db, worker_pool, seed):
    simulation = Simulation(committed_db=committed_db, seed=seed, operations=OPS, threads=THREADS)
    simulation.setup()
    simulation.run(worker_pool)

    outcomes = simulation.outcomes()
    problems = simulation.bookkeeping_problems() + ledger_problems(simulation.owner_ids)
    green, output = recalculate_balances_check()
    if not green:
        problems.append(f"recalculate_balances --check: {output}")
    done = simulation.operations_done()
    alerts = Alert.objects.filter(owner_id__in=simulation.owner_ids, budget__isnull=False).count()
    record_figure("simulation: operations per seed x threads (processes)", f"{OPS} x {THREADS} ({PROCESSES})")
    add_to_figure("simulation: seeds run", 1)
    add_to_figure("simulation: operations run", done)
    add_to_figure("simulation: seconds in the threads", round(simulation.elapsed))
    print(f"\nseed {seed}: {done} operations from {THREADS} threads in {PROCESSES} process(es) "
          f"in {simulation.elapsed:.1f}s "
          f"({done / max(simulation.elapsed, 1e-9):.0f} ops/s); "
          f"budget alerts: {alerts}; "
          "recalculate_balances --check: run; "
          + ", ".join(f"{k}={v}" for k, v in sorted(outcomes.items())))

    assert not problems, (
        f"seed {seed} broke the ledger ({len(problems)} problems) - {_replay(seed)}:\n"
        + "\n".join(problems[:50])
    )
    assert done == OPS, f"only {done} of {OPS} operations ran - {_replay(seed)}"
    # The mix really happened: successes and refusals of every kind.
    for name in ("income:ok", "expense:ok", "transfer:ok", "edit:ok", "delete:ok", "split:ok", "expense:refused",
                 "fail_foreign_account:refused", "fail_closed_account:refused", "replay_token:deduplicated"):
        assert outcomes[name] > 0 or OPS < SHORT_OPS, f"seed {seed}: no {name} - {_replay(seed)}"
    # The budgets were crossed, so the no-duplicate-alert check had alerts to look at.
    assert alerts > 0 or OPS < SHORT_OPS, f"seed {seed}: no budget alert - {_replay(seed)}"


def test_recalculate_balances_check_stays_green_after_the_suite(committed_db):
    """Runs last in the package (the package fixture checks once more at teardown)."""
    green, output = recalculate_balances_check()
    assert green, output
    assert ledger_problems() == []

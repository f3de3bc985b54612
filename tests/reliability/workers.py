"""Worker processes for the load simulation (tests/reliability/simulation.py).

Every simulated operation is a real service call, and most of its cost is Python time
(the ORM building queries) under the GIL: 16 threads in one process keep one core
busy. So the 16 logical threads are spread over a few processes (thread i runs in
process i % processes), each with its own interpreter and its own database connections
to the same test database; together they hit the same accounts at the same time.

The processes are started once (the 'spawn' method: a fresh interpreter that sets
Django up itself, nothing inherited from the pytest process) and serve every seed. For
each seed the parent sends the plan (the customers and accounts it created), every
process runs its threads, all threads of all processes start together (a barrier across
the processes), and each process sends back its threads' books (outcomes, expected
balance deltas, rows). The parent merges them and checks the invariants as before.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from itertools import count

# How long every process's threads wait for the other processes before the start, and
# how long one seed may take before the parent gives up on a silent worker.
START_TIMEOUT = 120
RUN_TIMEOUT = 840  # below the test's pytest-timeout (900 s), so the failure names the seed. A seed takes
# about 100 s on a quiet 2-core machine; a CI run on a busy one took over 240 s (the earlier limit).


def _serve(settings_module: str, database_name: str, tasks, results, start) -> None:
    """A worker process: set Django up on the parent's test database, then run shares
    until told to stop (None)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django
    from django.conf import settings

    # The parent's test database, not the development one the settings name.
    settings.DATABASES["default"]["NAME"] = database_name
    django.setup()
    import time_machine

    from .simulation import NOW, run_share

    # The parent's clock (tests/reliability/test_simulation.py travels there too).
    time_machine.travel(NOW, tick=True).start()

    def wait_for_the_other_processes():
        start.wait(START_TIMEOUT)

    while (task := tasks.get()) is not None:
        run_id, plan, counts = task
        try:
            outcome = run_share(plan, counts, before_start=wait_for_the_other_processes)
        except BaseException as error:  # noqa: BLE001 - reported to the parent, which fails the seed
            outcome = f"worker {os.getpid()} failed: {type(error).__name__}: {error}"
        results.put((run_id, list(counts), outcome))


class WorkerPool:
    """`processes` worker processes that run the simulation's threads between them."""

    def __init__(self, *, processes: int, database_name: str, settings_module: str):
        self.size = processes
        self._context = multiprocessing.get_context("spawn")
        self._results = self._context.Queue()
        self._start = self._context.Barrier(processes)
        self._tasks = [self._context.Queue() for _ in range(processes)]
        self._processes = [
            self._context.Process(target=_serve, name=f"sim-worker-{i}", daemon=True,
                                  args=(settings_module, database_name, self._tasks[i], self._results, self._start))
            for i in range(processes)
        ]
        self._run_ids = count()
        for process in self._processes:
            process.start()

    def run(self, plan: dict) -> dict:
        """Run one seed: every process gets its threads; returns thread id -> ThreadResult."""
        from .simulation import ThreadResult

        threads, counts = plan["threads"], plan["counts"]
        run_id = next(self._run_ids)
        self._start.reset()  # a barrier a failed run broke
        for index, tasks in enumerate(self._tasks):
            tasks.put((run_id, plan, {i: counts[i] for i in range(index, threads, self.size)}))
        merged: dict[int, ThreadResult] = {}
        answered, deadline = 0, time.monotonic() + RUN_TIMEOUT
        while answered < self.size:
            try:
                answer_id, thread_ids, outcome = self._results.get(timeout=1)
            except queue.Empty:
                dead = [p.name for p in self._processes if not p.is_alive()]
                if dead or time.monotonic() > deadline:
                    raise RuntimeError(f"simulation worker(s) {dead or 'silent'}: seed {plan['seed']} did not finish")
                continue
            if answer_id != run_id:
                continue  # a late answer to an earlier, failed run
            answered += 1
            if isinstance(outcome, str):
                # This process's threads count as crashed (no operations, a violation).
                merged.update({index: ThreadResult(violations=[outcome]) for index in thread_ids})
                continue
            merged.update(outcome)
        return merged

    def close(self) -> None:
        for tasks in self._tasks:
            tasks.put(None)
        for process in self._processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
                process.join()


def pool_for(*, threads: int, processes: int, database_name: str, settings_module: str) -> WorkerPool | None:
    """A pool when more than one process is asked for (and there are threads to spread)."""
    processes = min(processes, threads)
    if processes <= 1:
        return None
    return WorkerPool(processes=processes, database_name=database_name, settings_module=settings_module)


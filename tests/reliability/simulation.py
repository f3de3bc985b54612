"""A seeded load simulation of the ledger services.

N threads (each with its own database connection) act for 3 customers (thread i for
customer i % 3) on a few shared accounts, mixing income, expenses, transfers, edits,
deletes and requests that must fail (overdrafts, another customer's account or entry, a
closed account, zero/negative/sub-cent/NaN amounts, transfers to the same account,
replayed form tokens).

Reproducibility: the seed fixes every thread's sequence of choices (its own
`random.Random(f"{seed}-{thread}")`); which concurrent overdraft wins is up to the
scheduler, so a replay re-runs the same workload and, with BANKDASH_SIM_THREADS=1,
the very same history. A thread's stream and customer depend on its number only, not on
which process runs it: the threads may be spread over worker processes
(tests/reliability/workers.py) that all hit the same accounts at the same time.

Besides the table invariants (tests/reliability/invariants.py), the simulation keeps
its own books: every call that returned success adds its effect to a per-account
expected delta, so a lost update, a phantom write or a rolled-back success shows up as
expected != actual balance, and the row count must match the successful calls exactly.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection

from apps.accounts.models import Account
from apps.budgets import services as budget_services
from apps.budgets.models import Budget
from apps.transactions import services
from apps.transactions.models import Category, Transaction

D = Decimal
CENT = D("0.01")
# "Now" for the simulation, the same in the pytest process and in the worker processes
# (each travels here with time-machine, ticking): the budgets' current windows, the dates
# below and the services' "today" agree even when a run crosses midnight or a month end.
NOW = datetime(2025, 12, 15, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
DATES = [TODAY - timedelta(days=n) for n in range(0, 45)]  # this month and the last (monthly totals)
# More than any simulated account can ever hold, yet far from the 10^12 column limit (a credit
# near that limit is a separate case: tests/reliability/test_faults.py).
HUGE = D("100000000000.00")

# Operation -> weight. About a fifth of all requests must fail.
OPERATIONS = {
    "income": 22,
    "expense": 26,
    "transfer": 16,
    "edit": 10,
    "delete": 6,
    "split": 5,
    "replay_token": 3,
    "fail_overdraft": 3,
    "fail_transfer_overdraft": 2,
    "fail_foreign_account": 2,
    "fail_foreign_transfer": 2,
    "fail_foreign_entry": 2,
    "fail_closed_account": 2,
    "fail_bad_amount": 2,
    "fail_same_account": 1,
    "fail_edit_overdraft": 1,
}
_NAMES, _WEIGHTS = zip(*OPERATIONS.items(), strict=True)
BAD_AMOUNTS = [D("0"), D("0.00"), D("-5.00"), D("0.001"), D("12.345"), D("NaN"), D("Infinity"), D("-Infinity"),
               D("1e12"), D("-0")]


@dataclass
class Customer:
    user: object
    accounts: list[int]  # open accounts, the credit card last
    closed_account: int
    food: object
    salary: object

    def spec(self) -> dict:
        return {"user": self.user.pk, "accounts": self.accounts, "closed_account": self.closed_account,
                "food": self.food.pk, "salary": self.salary.pk}

    @classmethod
    def from_spec(cls, spec: dict) -> Customer:
        from apps.users.models import User

        return cls(user=User.objects.get(pk=spec["user"]), accounts=list(spec["accounts"]),
                   closed_account=spec["closed_account"], food=Category.objects.get(pk=spec["food"]),
                   salary=Category.objects.get(pk=spec["salary"]))


@dataclass
class Entry:
    """An entry a thread created and still owns (edits and deletes touch only those, so
    the thread knows each one's exact effect)."""

    pk: int
    kind: str  # income | expense | transfer
    amount: Decimal
    account_id: int
    to_account_id: int | None = None
    token: uuid.UUID | None = None
    parts: int = 1  # an income or expense split into this many rows (services.entry_split)
    category: object = None


@dataclass
class ThreadResult:
    outcomes: Counter = field(default_factory=Counter)
    deltas: dict = field(default_factory=lambda: defaultdict(Decimal))
    rows: int = 0
    operations: int = 0  # requests made (an operation may make two: a replay, a second delete)
    violations: list = field(default_factory=list)


def run_share(plan: dict, counts: dict[int, int], *, before_start=None) -> dict[int, ThreadResult]:
    """In a worker process: run logical threads `counts` (thread id -> operations) of the
    run that `plan` describes (Simulation.plan) against the accounts the parent set up."""
    simulation = Simulation(committed_db=None, seed=plan["seed"], operations=plan["operations"],
                            threads=plan["threads"])
    simulation.customers = [Customer.from_spec(spec) for spec in plan["customers"]]
    connection.close()  # the threads use their own connections; this one is not needed meanwhile
    return dict(zip(counts, simulation.run_threads(counts, before_start=before_start), strict=True))


class Simulation:
    def __init__(self, *, committed_db, seed: int, operations: int, threads: int):
        self.db, self.seed, self.operations, self.threads = committed_db, seed, operations, threads
        self.customers: list[Customer] = []
        self.shared_entries: list[tuple[int, int]] = []  # (owner_id, pk): targets for foreign edits
        self.results: list[ThreadResult] = []
        self.elapsed = 0.0

    # -- setup ------------------------------------------------------------------------
    def setup(self):
        first_of_last_month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
        opened = first_of_last_month
        for index in range(3):
            user = self.db.user(f"sim{self.seed}-{index}")
            food = Category.objects.create(owner=user, name="food")
            salary = Category.objects.create(owner=user, name="salary")
            checking = services.account_open(user=user, name="Checking", opened_on=opened,
                                             opening_balance=D("500.00"))
            savings = services.account_open(user=user, name="Savings", kind=Account.Kind.SAVINGS,
                                            opened_on=opened, opening_balance=D("300.00"))
            card = services.account_open(user=user, name="Card", kind=Account.Kind.CREDIT_CARD,
                                         credit_limit=D("1000.00"), opened_on=opened)
            closed = services.account_open(user=user, name="Old", opened_on=opened)
            # Closing is not a money movement (the balance is zero): the model allows it directly.
            Account.objects.filter(pk=closed.pk).update(closed_on=opened)
            self._budget(user=user, category=food, start=first_of_last_month, period=Budget.Period.MONTHLY,
                         limit=D("400.00"))
            # Weekly windows over the 45 simulated days: many thresholds to cross concurrently.
            self._budget(user=user, category=food, start=first_of_last_month, period=Budget.Period.WEEKLY,
                         limit=D("150.00"))
            self.customers.append(Customer(user=user, accounts=[checking.pk, savings.pk, card.pk],
                                           closed_account=closed.pk, food=food, salary=salary))
        self.owner_ids = [c.user.pk for c in self.customers]
        self.initial_balances = dict(Account.objects.filter(owner_id__in=self.owner_ids).values_list("pk", "balance"))
        self.initial_rows = Transaction.objects.filter(owner_id__in=self.owner_ids).count()

    @staticmethod
    def _budget(*, user, category, start, period, limit):
        """Food budgets low enough that the simulated spending crosses them: alerts get
        written under concurrency."""
        return budget_services.budget_create(user=user, category=category, period=period, limit=limit,
                                             start_date=start, warning_percent=80)

    # -- run ----------------------------------------------------------------------------
    def thread_counts(self) -> list[int]:
        share, extra = divmod(self.operations, self.threads)
        return [share + (1 if i < extra else 0) for i in range(self.threads)]

    def plan(self) -> dict:
        """What a worker process needs to act out its share of this run (picklable)."""
        return {
            "seed": self.seed, "operations": self.operations, "threads": self.threads,
            "counts": self.thread_counts(), "customers": [c.spec() for c in self.customers],
        }

    def run(self, pool=None):
        """Run all logical threads: here, or spread over `pool`'s worker processes
        (tests/reliability/workers.py) so that more than one core runs Python."""
        started = time.monotonic()
        if pool is None:
            counts = self.thread_counts()
            self.results = self.run_threads({i: counts[i] for i in range(self.threads)})
        else:
            by_thread = pool.run(self.plan())
            self.results = [by_thread.get(i) or ThreadResult(violations=[f"thread {i} never reported"])
                            for i in range(self.threads)]
        self.elapsed = time.monotonic() - started

    def run_threads(self, counts: dict[int, int], *, before_start=None) -> list[ThreadResult]:
        """Run logical threads `counts` (thread id -> operations) in this process, all
        starting together (after `before_start`, e.g. waiting for the other processes)."""
        results = {index: ThreadResult() for index in counts}
        barrier = threading.Barrier(len(counts), action=before_start)
        workers = [
            threading.Thread(target=self._worker, args=(index, count, barrier, results[index]),
                             name=f"sim-{self.seed}-{index}")
            for index, count in counts.items()
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return [results[index] for index in counts]

    def _worker(self, index, count, barrier, result):
        # Thread `index` acts the same whichever process runs it: its own random stream
        # and its own customer.
        rng = random.Random(f"{self.seed}-{index}")
        customer = self.customers[index % len(self.customers)]
        others = [c for c in self.customers if c is not customer]
        entries: list[Entry] = []
        try:
            with connection.cursor() as cursor:
                # Durability of each commit is not under test; skipping the WAL flush per commit
                # keeps 10,000 operations within the time budget (atomicity and locking unchanged).
                cursor.execute("SET synchronous_commit TO OFF")
            barrier.wait()
            for _ in range(count):
                name = rng.choices(_NAMES, _WEIGHTS)[0]
                result.operations += 1
                try:
                    getattr(self, f"_op_{name}")(rng, customer, others, entries, result)
                except Exception as error:  # any error a service should never raise
                    result.outcomes[f"{name}:unexpected"] += 1
                    result.violations.append(f"{name}: unexpected {type(error).__name__}: {error}")
        except Exception as error:
            result.violations.append(f"thread {index} crashed: {type(error).__name__}: {error}")
            barrier.abort()
        finally:
            connection.close()

    # -- helpers ----------------------------------------------------------------------
    @staticmethod
    def _amount(rng, high_cents):
        return (D(rng.randint(1, high_cents)) * CENT).quantize(CENT)

    @staticmethod
    def _refused(result, name, call, *, expect=(ValidationError,)):
        """`call` must be refused; record a violation if it went through."""
        try:
            call()
        except expect:
            result.outcomes[f"{name}:refused"] += 1
            return
        result.outcomes[f"{name}:ACCEPTED"] += 1
        result.violations.append(f"{name}: a request that must fail was accepted")

    @staticmethod
    def _sign(kind):
        return -1 if kind == "expense" else 1

    def _book_entry(self, result, entry: Entry, factor: int):
        """Add (factor=1) or remove (factor=-1) an entry's effect from the expected balances."""
        if entry.kind == "transfer":
            result.deltas[entry.account_id] -= factor * entry.amount
            result.deltas[entry.to_account_id] += factor * entry.amount
            result.rows += factor * 2
        else:
            result.deltas[entry.account_id] += factor * self._sign(entry.kind) * entry.amount
            result.rows += factor * entry.parts

    # -- operations that may succeed ---------------------------------------------------
    def _post(self, rng, customer, entries, result, kind, token=None):
        account = rng.choice(customer.accounts)
        if kind == "income":
            amount, category, post = self._amount(rng, 20000), customer.salary, services.income_post
        else:
            amount, category, post = self._amount(rng, 25000), customer.food, services.expense_post
        try:
            row = post(user=customer.user, account_id=account, amount=amount, category=category,
                       occurred_on=rng.choice(DATES), description=f"sim {kind}", form_token=token)
        except ValidationError:
            result.outcomes[f"{kind}:refused"] += 1  # a legitimate overdraft refusal
            return None
        result.outcomes[f"{kind}:ok"] += 1
        entry = Entry(pk=row.pk, kind=kind, amount=amount, account_id=account, token=token, category=category)
        entries.append(entry)
        self._book_entry(result, entry, 1)
        self.shared_entries.append((customer.user.pk, row.pk))
        return entry

    def _op_income(self, rng, customer, others, entries, result):
        self._post(rng, customer, entries, result, "income")

    def _op_expense(self, rng, customer, others, entries, result):
        self._post(rng, customer, entries, result, "expense")

    def _op_transfer(self, rng, customer, others, entries, result):
        source, target = rng.sample(customer.accounts, 2)
        amount = self._amount(rng, 30000)
        try:
            row = services.transfer_create(user=customer.user, from_account_id=source, to_account_id=target,
                                           amount=amount, occurred_on=rng.choice(DATES), description="sim transfer")
        except ValidationError:
            result.outcomes["transfer:refused"] += 1
            return
        result.outcomes["transfer:ok"] += 1
        entry = Entry(pk=row.pk, kind="transfer", amount=amount, account_id=source, to_account_id=target)
        entries.append(entry)
        self._book_entry(result, entry, 1)

    def _op_edit(self, rng, customer, others, entries, result):
        if not entries:
            return self._op_income(rng, customer, others, entries, result)
        entry = rng.choice(entries)
        # A split entry keeps its parts' amounts (None); it moves and changes date as one.
        amount = self._amount(rng, 25000) if entry.parts == 1 else None
        account = entry.account_id
        if entry.kind != "transfer" and rng.random() < 0.3:
            account = rng.choice(customer.accounts)  # move an income/expense to another account
        try:
            services.transaction_edit(user=customer.user, transaction_id=entry.pk, amount=amount,
                                      occurred_on=rng.choice(DATES), description="sim edited",
                                      account_id=account if entry.kind != "transfer" else None)
        except ValidationError:
            result.outcomes["edit:refused"] += 1
            return
        result.outcomes["edit:ok"] += 1
        self._book_entry(result, entry, -1)
        entry.amount, entry.account_id = amount if amount is not None else entry.amount, account
        self._book_entry(result, entry, 1)

    def _op_split(self, rng, customer, others, entries, result):
        """Share one of the thread's income or expense entries out over one to three parts (one
        joins it back): no balance moves, the rows change."""
        candidates = [e for e in entries if e.kind != "transfer"]
        if not candidates:
            return self._op_expense(rng, customer, others, entries, result)
        entry = rng.choice(candidates)
        total = int(entry.amount / CENT)
        count = min(rng.choice([1, 2, 3]), total)
        cuts = sorted(rng.sample(range(1, total), count - 1)) if count > 1 else []
        bounds = [0, *cuts, total]
        parts = [((D(high - low) * CENT).quantize(CENT), entry.category) for low, high in zip(bounds, bounds[1:])]
        services.entry_split(user=customer.user, transaction_id=entry.pk, parts=parts)
        result.outcomes["split:ok"] += 1
        result.rows += count - entry.parts
        entry.parts = count

    def _op_delete(self, rng, customer, others, entries, result):
        if not entries:
            return self._op_expense(rng, customer, others, entries, result)
        entry = rng.choice(entries)
        try:
            services.transaction_delete(user=customer.user, transaction_id=entry.pk)
        except ValidationError:
            result.outcomes["delete:refused"] += 1  # removing an income would overdraw
            return
        result.outcomes["delete:ok"] += 1
        entries.remove(entry)
        self._book_entry(result, entry, -1)
        # Deleting it again finds nothing.
        self._refused(result, "fail_delete_twice",
                      lambda: services.transaction_delete(user=customer.user, transaction_id=entry.pk),
                      expect=(Transaction.DoesNotExist,))

    def _op_replay_token(self, rng, customer, others, entries, result):
        """Post with a one-time token, then replay the same form: one entry, not two."""
        token = uuid.uuid4()
        entry = self._post(rng, customer, entries, result, rng.choice(["income", "expense"]), token=token)
        if entry is None:
            return
        post = services.income_post if entry.kind == "income" else services.expense_post
        category = customer.salary if entry.kind == "income" else customer.food
        try:
            again = post(user=customer.user, account_id=entry.account_id, amount=entry.amount, category=category,
                         occurred_on=TODAY, description="replayed", form_token=token)
        except ValidationError as error:
            result.violations.append(f"replay_token: the replay raised {error}")
            return
        if again.pk != entry.pk:
            result.violations.append(f"replay_token: the replay created entry {again.pk} besides {entry.pk}")
        result.outcomes["replay_token:deduplicated"] += 1

    # -- requests that must fail ---------------------------------------------------------
    def _op_fail_overdraft(self, rng, customer, others, entries, result):
        self._refused(result, "fail_overdraft", lambda: services.expense_post(
            user=customer.user, account_id=rng.choice(customer.accounts), amount=HUGE, category=customer.food,
            occurred_on=TODAY))

    def _op_fail_transfer_overdraft(self, rng, customer, others, entries, result):
        source, target = rng.sample(customer.accounts, 2)
        self._refused(result, "fail_transfer_overdraft", lambda: services.transfer_create(
            user=customer.user, from_account_id=source, to_account_id=target, amount=HUGE, occurred_on=TODAY))

    def _op_fail_foreign_account(self, rng, customer, others, entries, result):
        other = rng.choice(others)
        post = rng.choice([services.income_post, services.expense_post])
        self._refused(result, "fail_foreign_account", lambda: post(
            user=customer.user, account_id=rng.choice(other.accounts), amount=D("1.00"), category=customer.food,
            occurred_on=TODAY))

    def _op_fail_foreign_transfer(self, rng, customer, others, entries, result):
        other = rng.choice(others)
        mine, theirs = rng.choice(customer.accounts), rng.choice(other.accounts)
        source, target = (mine, theirs) if rng.random() < 0.5 else (theirs, mine)
        self._refused(result, "fail_foreign_transfer", lambda: services.transfer_create(
            user=customer.user, from_account_id=source, to_account_id=target, amount=D("1.00"), occurred_on=TODAY))

    def _op_fail_foreign_entry(self, rng, customer, others, entries, result):
        theirs = [pk for owner, pk in self.shared_entries[-200:] if owner != customer.user.pk]
        if not theirs:
            return
        pk = rng.choice(theirs)
        if rng.random() < 0.5:
            call = lambda: services.transaction_delete(user=customer.user, transaction_id=pk)  # noqa: E731
        else:
            call = lambda: services.transaction_edit(  # noqa: E731
                user=customer.user, transaction_id=pk, amount=D("1.00"), occurred_on=TODAY)
        self._refused(result, "fail_foreign_entry", call, expect=(Transaction.DoesNotExist,))

    def _op_fail_closed_account(self, rng, customer, others, entries, result):
        if rng.random() < 0.5:
            call = lambda: services.income_post(  # noqa: E731
                user=customer.user, account_id=customer.closed_account, amount=D("10.00"),
                category=customer.salary, occurred_on=TODAY)
        else:
            call = lambda: services.transfer_create(  # noqa: E731
                user=customer.user, from_account_id=customer.accounts[0], to_account_id=customer.closed_account,
                amount=D("0.01"), occurred_on=TODAY)
        self._refused(result, "fail_closed_account", call)

    def _op_fail_bad_amount(self, rng, customer, others, entries, result):
        amount = rng.choice(BAD_AMOUNTS)
        choice = rng.randrange(3)
        if choice == 0:
            call = lambda: services.income_post(  # noqa: E731
                user=customer.user, account_id=customer.accounts[0], amount=amount, category=customer.salary,
                occurred_on=TODAY)
        elif choice == 1:
            call = lambda: services.transfer_create(  # noqa: E731
                user=customer.user, from_account_id=customer.accounts[0], to_account_id=customer.accounts[1],
                amount=amount, occurred_on=TODAY)
        else:
            if not entries:
                return
            pk = rng.choice(entries).pk
            call = lambda: services.transaction_edit(  # noqa: E731
                user=customer.user, transaction_id=pk, amount=amount, occurred_on=TODAY)
        self._refused(result, "fail_bad_amount", call)

    def _op_fail_same_account(self, rng, customer, others, entries, result):
        account = rng.choice(customer.accounts)
        self._refused(result, "fail_same_account", lambda: services.transfer_create(
            user=customer.user, from_account_id=account, to_account_id=account, amount=D("1.00"),
            occurred_on=TODAY))

    def _op_fail_edit_overdraft(self, rng, customer, others, entries, result):
        spent = [e for e in entries if e.kind in ("expense", "transfer")]
        if not spent:
            return
        entry = rng.choice(spent)
        self._refused(result, "fail_edit_overdraft", lambda: services.transaction_edit(
            user=customer.user, transaction_id=entry.pk, amount=HUGE, occurred_on=TODAY))

    # -- after the run -----------------------------------------------------------------
    def operations_done(self) -> int:
        return sum(result.operations for result in self.results)

    def outcomes(self) -> Counter:
        total = Counter()
        for result in self.results:
            total.update(result.outcomes)
        return total

    def bookkeeping_problems(self) -> list[str]:
        problems = [v for result in self.results for v in result.violations]
        expected = dict(self.initial_balances)
        rows = self.initial_rows
        for result in self.results:
            rows += result.rows
            for pk, delta in result.deltas.items():
                expected[pk] += delta
        actual = dict(Account.objects.filter(owner_id__in=self.owner_ids).values_list("pk", "balance"))
        problems += [f"account {pk}: balance {actual[pk]}, the successful calls add up to {expected[pk]}"
                     for pk in sorted(expected) if actual[pk] != expected[pk]]
        actual_rows = Transaction.objects.filter(owner_id__in=self.owner_ids).count()
        if actual_rows != rows:
            problems.append(f"{actual_rows} ledger rows, the successful calls add up to {rows}")
        return problems

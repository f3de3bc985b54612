"""The worker's jobs (procrastinate, found by its Django autodiscovery of ``tasks`` modules).

``dispatch`` is deferred by ``services.deliveries_dispatch`` in the transaction that raised
the alerts (one job per batch of alerts, so a posting does not wait for channels); it writes the
Delivery rows and defers one ``deliver`` per row, which sends it. The periodic jobs are
deferred by every worker's periodic deferrer, and procrastinate's periodic-defers table lets
one defer per task and timestamp through, however many workers run; ``queueing_lock`` keeps
a slow run from piling up copies and ``lock`` keeps two runs of the same job from overlapping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from procrastinate import RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.exceptions import ConnectorException

from apps.bills.forecast_alerts import forecast_alerts_send
from apps.bills.services import RunSummary, bill_reminders_send, recurring_post_due
from apps.imports.services import batches_abandoned_cancel
from apps.users.services import signed_in_sessions_purge

from . import services

# Retries after 3 s, 9 s, 27 s, 81 s, 243 s, 729 s: a mail server down for up to ~18 minutes
# loses nothing; then the delivery is marked failed (shown on the deliveries page).
DELIVERY_RETRY = RetryStrategy(max_attempts=6, exponential_wait=3)
RECHECK_MINUTES = 15  # time zones' midnights fall on quarter hours (UTC+5:45, UTC+12:45)


# Stalled jobs: a worker sends a heartbeat every 10 s (procrastinate's default); one silent for
# this long is dead (killed, its machine gone) and the jobs it was running are run again.
STALLED_AFTER_SECONDS = 30


@app.task(name="notifications.dispatch", queue="notifications", retry=DELIVERY_RETRY)
def dispatch(alert_ids: list[int]) -> int:
    """The deliveries of a batch of new alerts (idempotent: run again, it creates nothing new)."""
    return len(services.deliveries_create(alert_ids=alert_ids))


@app.task(name="notifications.deliver", queue="notifications", pass_context=True, retry=DELIVERY_RETRY)
def deliver(context, delivery_id: int) -> str:
    final = context.job.attempts >= DELIVERY_RETRY.max_attempts
    return services.delivery_deliver(delivery_id=delivery_id, final_attempt=final)


@app.periodic(cron="* * * * *")
@app.task(name="notifications.retry_stalled_jobs", queue="periodic", queueing_lock="retry_stalled_jobs",
          pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> int:
    """Run again the jobs of workers that stopped sending heartbeats (killed mid-job: the job
    stays "doing" forever otherwise, and a periodic job's lock with it). Safe because every job
    is idempotent: a delivery cut off mid-send was not marked sent (its transaction died with
    the worker), so it is sent again once. procrastinate's "retry stalled jobs" recipe."""
    manager = context.app.job_manager
    retried = 0
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS):
        try:
            await manager.retry_job(job)
        except ConnectorException:  # it finished or was retried meanwhile: nothing to do
            continue
        retried += 1
    return retried


@app.periodic(cron="*/5 * * * *")
@app.task(name="notifications.post_recurring", queue="periodic", queueing_lock="post_recurring",
          lock="post_recurring")
def post_recurring(timestamp: int) -> str:
    """What ``manage.py post_recurring`` does: post the automatic items due, send the bill
    reminders and overdue alerts due, then the forecast's low-balance alerts."""
    summary = RunSummary()
    recurring_post_due(summary=summary)
    bill_reminders_send(summary=summary)
    forecast_alerts, forecast_errors = forecast_alerts_send()
    result = (f"posted {len(summary.posted)}, failed {len(summary.failed)}, reminders {summary.reminders}, "
              f"overdue {summary.overdue_alerts}, forecast alerts {forecast_alerts}")
    if summary.errors + forecast_errors:
        # The other items went on (each in its own transaction); the job shows as failed for the operators.
        raise RuntimeError(f"{result}; {summary.errors + forecast_errors} items could not be processed: see the log")
    return result


@app.periodic(cron=f"*/{RECHECK_MINUTES} * * * *")
@app.task(name="notifications.recheck_budgets", queue="periodic", queueing_lock="recheck_budgets",
          lock="recheck_budgets")
def recheck_budgets(timestamp: int) -> int:
    """Budgets whose customer's day changed since the previous tick (a new period, an expense
    dated in the future that has come due)."""
    at = datetime.fromtimestamp(timestamp, UTC)
    return services.budgets_recheck_new_days(at=at, since=at - timedelta(minutes=RECHECK_MINUTES))


@app.periodic(cron="30 3 * * *")
@app.task(name="notifications.purge_expired", queue="periodic", queueing_lock="purge_expired",
          lock="purge_expired")
def purge_expired(timestamp: int) -> str:
    """Expired sessions (and the rows naming them in the list of where one is signed in),
    money forms' one-time tokens and import uploads left unposted, a day old."""
    day_ago = datetime.fromtimestamp(timestamp, UTC) - timedelta(days=1)
    services.sessions_purge_expired()
    signed_in_sessions_purge()
    tokens = services.form_tokens_purge(older_than=day_ago)
    batches = batches_abandoned_cancel(older_than=day_ago)
    return f"form tokens {tokens}, import uploads {batches}"


# Finished jobs: procrastinate keeps every job's row and its events until told otherwise, so
# the queue's tables would grow by every delivery, dispatch and tick forever. Succeeded jobs are
# kept a week (to look into a recent run), failed, cancelled and aborted ones thirty days.
SUCCEEDED_KEPT_HOURS = 7 * 24
FAILED_KEPT_HOURS = 30 * 24


@app.periodic(cron="45 3 * * *")
@app.task(name="notifications.remove_old_jobs", queue="periodic", queueing_lock="remove_old_jobs",
          lock="remove_old_jobs", pass_context=True)
async def remove_old_jobs(context, timestamp: int) -> str:
    """procrastinate's own clean-up (``JobManager.delete_old_jobs``, what its builtin
    ``remove_old_jobs`` task runs), on the periodic queue once a day."""
    manager = context.app.job_manager
    await manager.delete_old_jobs(nb_hours=SUCCEEDED_KEPT_HOURS)
    await manager.delete_old_jobs(nb_hours=FAILED_KEPT_HOURS, include_failed=True, include_cancelled=True,
                                  include_aborted=True)
    return f"removed succeeded jobs older than {SUCCEEDED_KEPT_HOURS} h, the others older than {FAILED_KEPT_HOURS} h"


# ---------------------------------------------------------------------------
# The email digest (apps/notifications/digest.py)
# ---------------------------------------------------------------------------

DIGEST_MINUTES = 15  # a customer's 07:00 falls on a quarter hour in every time zone


@app.periodic(cron=f"*/{DIGEST_MINUTES} * * * *")
@app.task(name="notifications.send_digests", queue="periodic", queueing_lock="send_digests", lock="send_digests")
def send_digests(timestamp: int) -> str:
    """Claim the digests due at this tick (once per customer and period, however many workers
    run it) and defer a ``send_digest`` job for each."""
    from . import digest  # imported here: the digest module imports this one

    claimed = digest.digests_due(now=datetime.fromtimestamp(timestamp, UTC))
    return f"digests claimed {len(claimed)}"


@app.task(name="notifications.send_digest", queue="notifications", pass_context=True, retry=DELIVERY_RETRY)
def send_digest(context, digest_send_id: int) -> str:
    from . import digest

    final = context.job.attempts >= DELIVERY_RETRY.max_attempts
    return digest.digest_send(digest_send_id=digest_send_id, final_attempt=final)


@app.task(name="notifications.send_digest_preview", queue="notifications", retry=DELIVERY_RETRY)
def send_digest_preview(user_id: int, key: str) -> str:
    """The "send me one now" button's digest (retried with the same Message-ID)."""
    from . import digest

    return digest.digest_preview_send(user_id=user_id, key=key)

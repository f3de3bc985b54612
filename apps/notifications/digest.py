"""The email digest of the money picture: what it says, when it is due, and sending it.

What it says (``digest_figures``) is read through the selectors the pages use (the accounts'
per-currency totals, budget vs actual, the bills' forecast, unread alerts), in a fixed number
of queries: the digest never computes money in a way of its own, so it says what the pages say.
(The dashboard's ``account_summary`` is not importable from here; the digest reads the open
accounts with the same rule and their totals through ``accounts.selectors``.)

When it is due (``digests_due``): at DIGEST_TIME on the customer's wall clock, every day, or on
Mondays for the weekly one. A ``DigestSend`` row (unique per owner, frequency and period) is the
claim: written with INSERT ... ON CONFLICT DO NOTHING, so however many workers run the periodic
job, and however often, one row and one ``send_digest`` job exist per period; the job is deferred
in the transaction that wrote the row (they commit together).

Sending (``digest_send``) is at most once per row, like an alert's delivery: the row is locked
while the email goes out, a row already sent is left alone, and quiet hours hold it until they
end. The Message-ID is the row's key, so a copy sent again after a crash (the worker died after
the SMTP server took it) is the same message to the reader's mail client.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import Account
from apps.accounts.selectors import account_totals_by_currency
from apps.alerts.models import Alert, AlertKind
from apps.bills.forecast import account_forecasts
from apps.budgets.models import BudgetPeriod
from apps.budgets.selectors import budget_vs_actual
from apps.core import formats
from apps.core.currencies import currency_order
from apps.core.dates import zone_of

from .channels.base import absolute
from .jobs import defer_in_transaction
from .models import DeliveryStatus, DigestFrequency, DigestPreference, DigestSend, QuietHours
from .quiet_hours import quiet_until
from .tokens import digest_unsubscribe_token, read_digest_unsubscribe_token

logger = logging.getLogger("bankdash.notifications")

# When the digest goes out, on the customer's wall clock (held later by their quiet hours).
DIGEST_TIME = time(7, 0)
WEEKLY_DAY = 0  # Monday
# How far ahead the bills due are listed, by frequency: a week's digest looks two weeks ahead.
BILL_DAYS = {DigestFrequency.DAILY: 7, DigestFrequency.WEEKLY: 14}
FORECAST_DAYS = 30
ERROR_MAX_LENGTH = DigestSend._meta.get_field("last_error").max_length
CLAIM_BATCH = 1000
ZERO = Decimal("0.00")


class DigestFailed(Exception):
    """The mail server did not take the digest; the job is retried (until its last attempt)."""


# ---------------------------------------------------------------------------
# What the digest says
# ---------------------------------------------------------------------------

def digest_figures(*, user, today: date, frequency: str = DigestFrequency.DAILY) -> dict:
    """The money picture of ``user`` on ``today`` as plain values (Decimals, dates, strings):

    - ``accounts``: each open account's balance; ``totals``: per currency (the default one
      first), never adding two currencies;
    - ``budgets``: each active budget's current period: limit, spent, remaining, exceeded;
    - ``bills``: the bills due from today through BILL_DAYS[frequency] days (overdue and failed
      ones still open count today), soonest first, with their amounts;
    - ``forecast``: per account with scheduled money in the next FORECAST_DAYS days, the lowest
      projected balance and its day;
    - ``alerts``: the unread alerts, in total and per kind.

    Seven queries whatever the number of accounts, budgets, bills and alerts (fewer without
    budgets or recurring items)."""
    frequency = DigestFrequency(frequency)
    default = user.default_currency
    accounts = list(Account.objects.filter(owner=user, closed_on__isnull=True).order_by("name", "id"))
    totals = {row["currency"]: row for row in account_totals_by_currency(user=user)}
    budgets = budget_vs_actual(user=user, today=today)
    forecasts = account_forecasts(user=user, accounts=accounts, days=FORECAST_DAYS, today=today) if accounts else {}
    unread = list(Alert.objects.filter(owner=user).unread().order_by("kind").values("kind").annotate(n=Count("id")))

    bill_end = today + timedelta(days=BILL_DAYS[frequency])
    bills, lows = [], []
    for a in accounts:
        forecast = forecasts[a.pk]
        for point in forecast.points:
            if point.day > bill_end:
                break
            bills += [{"name": e.label, "account": a.name, "currency": a.currency, "amount": -e.amount,
                       "due_on": e.due_on, "overdue": e.is_overdue, "estimated": e.estimated}
                      for e in point.events if e.kind == "bill"]
        if any(p.events for p in forecast.points):
            low = forecast.lowest
            lows.append({"account": a.name, "currency": a.currency, "balance": low.balance, "on": low.day,
                         "below_buffer": forecast.below_buffer, "buffer": forecast.buffer})
    bills.sort(key=lambda b: (b["due_on"], b["name"].lower(), b["account"]))
    return {
        "today": today,
        "frequency": frequency.value,
        "default_currency": default,
        "bill_days": BILL_DAYS[frequency],
        "bills_until": bill_end,
        "forecast_days": FORECAST_DAYS,
        "accounts": [{"name": a.name, "kind": a.get_kind_display(), "currency": a.currency, "balance": a.balance}
                     for a in accounts],
        "totals": [{"currency": c, "total": totals[c]["total"], "accounts": totals[c]["accounts"]}
                   for c in currency_order(totals, default)],
        "budgets": [{"category": b.category, "period": b.period, "period_label": BudgetPeriod(b.period).label,
                     "currency": b.currency, "limit": b.limit,
                     "spent": b.spent, "remaining": b.remaining, "over": max(-b.remaining, ZERO),
                     "exceeded": b.exceeded, "warning": b.warning,
                     "period_start": b.period_start, "period_end": b.period_end} for b in budgets],
        "bills": bills,
        "forecast": lows,
        "alerts": {"unread": sum(row["n"] for row in unread),
                   "by_kind": [{"kind": row["kind"], "label": AlertKind(row["kind"]).label, "count": row["n"]}
                               for row in unread]},
    }


# ---------------------------------------------------------------------------
# The email
# ---------------------------------------------------------------------------

def digest_unsubscribe_url(user) -> str:
    return absolute(reverse("notifications:digest_unsubscribe", args=[digest_unsubscribe_token(user_id=user.pk)]))


def digest_message(*, user, figures: dict, key: str, preview: bool = False) -> EmailMultiAlternatives:
    """The digest email (text and HTML) of ``figures`` for ``user``, in their language and
    formats (whoever sends it: the worker); ``key`` is its idempotency key (the Message-ID)."""
    with formats.for_user(user):
        return _digest_message(user=user, figures=figures, key=key, preview=preview)


def _digest_message(*, user, figures: dict, key: str, preview: bool) -> EmailMultiAlternatives:
    unsubscribe_url = digest_unsubscribe_url(user)
    weekly = figures["frequency"] == DigestFrequency.WEEKLY
    which = "weekly" if weekly else "daily"
    today = figures["today"]
    if weekly:
        subject = _("BankDash: your weekly money picture, %(day)s") % {"day": formats.format_day(today)}
        title = _("Your weekly money picture for %(day)s") % {"day": formats.format_day_long(today)}
    else:
        subject = _("BankDash: your daily money picture, %(day)s") % {"day": formats.format_day(today)}
        title = _("Your daily money picture for %(day)s") % {"day": formats.format_day_long(today)}
    if preview:
        subject = _("%(subject)s (preview)") % {"subject": subject}
        title = _("%(title)s (a preview you asked for)") % {"title": title}
    context = {"f": figures, "user": user, "preview": preview, "which": which, "title": title,
               "unsubscribe_url": unsubscribe_url, "dashboard_url": absolute(reverse("dashboard:dashboard")),
               "settings_url": absolute(reverse("notifications:settings"))}
    domain = urlsplit(settings.SITE_URL).hostname or "bankdash.local"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/digest.txt", context),
        to=[user.email],
        headers={
            "Message-ID": f"<{key}@{domain}>",
            "X-BankDash-Digest": key,
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
        },
    )
    message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    return message


# ---------------------------------------------------------------------------
# When it is due, and sending it
# ---------------------------------------------------------------------------

def _send_task():
    from .tasks import send_digest  # the task module imports this one

    return send_digest


def _period_due(*, frequency: str, local: datetime) -> date | None:
    """The period a digest of ``frequency`` is due for at the customer's wall-clock ``local``,
    or None before DIGEST_TIME (and, for the weekly one, on a day other than Monday)."""
    if local.time().replace(tzinfo=None) < DIGEST_TIME:
        return None
    if frequency == DigestFrequency.WEEKLY and local.weekday() != WEEKLY_DAY:
        return None
    return local.date()


def _claim(rows: list[tuple[int, str, date]]) -> list[int]:
    """INSERT the DigestSend rows, skipping those that exist (ON CONFLICT DO NOTHING on the unique
    key): the ids of the rows really inserted, one statement per CLAIM_BATCH rows."""
    table = connection.ops.quote_name(DigestSend._meta.db_table)
    created = timezone.now()
    ids: list[int] = []
    for start in range(0, len(rows), CLAIM_BATCH):
        batch = rows[start:start + CLAIM_BATCH]
        values = ", ".join(["(%s, %s, %s, %s, 0, '', %s)"] * len(batch))
        params = [p for owner_id, frequency, period in batch
                  for p in (owner_id, frequency, period, DeliveryStatus.PENDING, created)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (owner_id, frequency, period_start, status, attempts, last_error, "  # noqa: S608
                f"created_at) VALUES {values} ON CONFLICT (owner_id, frequency, period_start) DO NOTHING "
                "RETURNING id", params)
            ids += [row[0] for row in cursor.fetchall()]
    return ids


@transaction.atomic
def digests_due(*, now: datetime | None = None) -> list[int]:
    """Claim the digests due at ``now``: for each active customer who wants one, whose wall clock
    has reached DIGEST_TIME today (and, weekly, it is Monday there), a DigestSend row for that
    day, and a ``send_digest`` job for each row really written, in this transaction. Running it
    again, or on two workers at once, claims nothing more (the unique key). Returns the ids of
    the rows written. One query, then one INSERT per CLAIM_BATCH claims and their jobs."""
    now = now or timezone.now()
    users = (get_user_model().objects
             .filter(is_active=True, digest_preference__frequency__in=[DigestFrequency.DAILY, DigestFrequency.WEEKLY])
             .exclude(email="").annotate(digest_frequency=F("digest_preference__frequency"))
             .only("pk", "time_zone").order_by("pk"))
    rows = []
    for user in users:
        period = _period_due(frequency=user.digest_frequency, local=now.astimezone(zone_of(user)))
        if period is not None:
            rows.append((user.pk, user.digest_frequency, period))
    ids = _claim(rows) if rows else []
    if ids:
        defer_in_transaction(_send_task(), [{"digest_send_id": pk} for pk in ids])
    return ids


def _quiet_until(owner, now: datetime) -> datetime | None:
    try:
        quiet = owner.quiet_hours  # read with the row (select_related)
    except QuietHours.DoesNotExist:
        return None
    return quiet_until(now=now, start=quiet.start, end=quiet.end, zone=zone_of(owner))


def _wanted(owner) -> str:
    try:
        return owner.digest_preference.frequency  # read with the row (select_related)
    except DigestPreference.DoesNotExist:
        return DigestFrequency.OFF


def digest_send(*, digest_send_id: int, final_attempt: bool = False, now: datetime | None = None) -> str:
    """Send one claimed digest, at most once: the row is locked while it is sent, and a row
    already sent (a retried or duplicated job) is left alone. A digest turned off (or changed
    to the other frequency) since it was claimed is not sent. In the owner's quiet hours it is
    held: marked held and deferred again to their end, in the same transaction. A failure is
    recorded (attempts, the error; ``failed`` on the final attempt) and committed, then raised
    as ``DigestFailed`` for the job to be retried. The figures are read when it is sent, for the
    owner's day then.

    Returns what happened: "sent", "held", "already sent", "failed before", "turned off" or "gone"."""
    now = now or timezone.now()
    error = None
    with transaction.atomic():
        send = (DigestSend.objects.select_for_update(of=("self",))
                .select_related("owner", "owner__quiet_hours", "owner__digest_preference")
                .filter(pk=digest_send_id).first())
        if send is None:
            return "gone"
        if send.status == DeliveryStatus.SENT:
            return "already sent"
        if send.status == DeliveryStatus.FAILED:
            return "failed before"
        owner = send.owner
        if not owner.is_active or not owner.email or _wanted(owner) != send.frequency:
            return "turned off"
        until = _quiet_until(owner, now)
        if until is not None:
            send.status = DeliveryStatus.HELD
            send.save(update_fields=["status"])
            defer_in_transaction(_send_task(), [{"digest_send_id": send.pk}], schedule_at=until)
            return "held"
        send.attempts += 1
        key = f"digest-{owner.pk}-{send.frequency}-{send.period_start:%Y-%m-%d}"
        try:
            figures = digest_figures(user=owner, today=now.astimezone(zone_of(owner)).date(),
                                     frequency=send.frequency)
            digest_message(user=owner, figures=figures, key=key).send(fail_silently=False)
        except Exception as exc:  # whatever went wrong, it was not sent
            error = exc
            send.status = DeliveryStatus.FAILED if final_attempt else DeliveryStatus.PENDING
            send.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_LENGTH]
            send.save(update_fields=["status", "attempts", "last_error"])
        else:
            send.status, send.sent_at, send.last_error = DeliveryStatus.SENT, timezone.now(), ""
            send.save(update_fields=["status", "attempts", "sent_at", "last_error"])
    if error is not None:
        logger.warning("digest %s failed (attempt %s)", digest_send_id, send.attempts,
                       extra={"digest_send_id": digest_send_id, "final": final_attempt})
        raise DigestFailed(str(error)) from error
    return "sent"


def digest_preview_request(*, user) -> None:
    """Queue a digest for ``user`` now, whatever their choice (the "send me one now" button):
    a job, deferred in the current transaction, so the page does not wait for the mail server."""
    from .tasks import send_digest_preview

    with transaction.atomic():
        defer_in_transaction(send_digest_preview, [{"user_id": user.pk, "key": uuid.uuid4().hex}])


def digest_preview_send(*, user_id: int, key: str, now: datetime | None = None) -> str:
    """Send the preview asked for: the daily digest's figures (the weekly one's when that is
    the customer's choice). ``key`` (made when it was asked for) is its Message-ID, so a retried
    job is the same message. Not held by quiet hours: the customer asked for it now."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return "gone"
    now = now or timezone.now()
    weekly = digest_frequency(user=user) == DigestFrequency.WEEKLY
    frequency = DigestFrequency.WEEKLY if weekly else DigestFrequency.DAILY
    figures = digest_figures(user=user, today=now.astimezone(zone_of(user)).date(), frequency=frequency)
    digest_message(user=user, figures=figures, key=f"digest-preview-{user.pk}-{key}", preview=True).send(
        fail_silently=False)
    return "sent"


# ---------------------------------------------------------------------------
# The customer's choice
# ---------------------------------------------------------------------------

def digest_frequency(*, user) -> str:
    """How often ``user`` gets the digest (never without a choice); one query."""
    return (DigestPreference.objects.filter(owner=user).values_list("frequency", flat=True).first()
            or DigestFrequency.OFF)


@transaction.atomic
def digest_preference_save(*, user, frequency: str) -> DigestPreference:
    """Save how often ``user`` wants the digest; anything but a DigestFrequency value is refused."""
    if frequency not in DigestFrequency.values:
        raise ValidationError({"frequency": _("Choose how often: never, every day or every week.")})
    preference, _created = DigestPreference.objects.update_or_create(owner=user, defaults={"frequency": frequency})
    return preference


INVALID_LINK = gettext_lazy("This unsubscribe link is not valid. Change how often you get the digest on the "
                            "notification settings page instead.")


def digest_unsubscribe_request(*, token: str):
    """The user a signed digest unsubscribe link was made for; a forged or altered token, or one
    for a user who no longer exists, is refused."""
    user_id = read_digest_unsubscribe_token(token)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id is not None else None
    if user is None:
        raise ValidationError({"token": INVALID_LINK})
    return user


@transaction.atomic
def digest_unsubscribe(*, token: str):
    """Turn the digest off for the user a signed link names (see ``digest_unsubscribe_request``)."""
    user = digest_unsubscribe_request(token=token)
    digest_preference_save(user=user, frequency=DigestFrequency.OFF)
    return user

"""Everything a customer owns, as the files of one zip ("export all my data").

Each file is one owner-scoped query read through a server-side cursor (``.iterator()``), so
the number of queries is fixed (one per file) and memory holds one chunk of rows at a time;
the zip is written into a SpooledTemporaryFile (in memory up to SPOOL_MAX_BYTES, then on
disk). Money stays Decimal and is written as its exact string ("1234.50"), never a float.
Secrets are left out: the password hash, webhook signing secrets, push subscription keys
and endpoints (each is a capability: whoever holds it can push to the browser), the raw
statement files of imports (their metadata is kept), the staff member behind a points
adjustment. Known devices are their keyed hashes, which cannot be turned back into an
address. Transactions are written by the ledger's own CSV writer
(apps.transactions.exports.csv_rows), so both exports read the same.
"""

from __future__ import annotations

import csv
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet

from apps.accounts.models import Account, OnboardingProgress
from apps.alerts.models import Alert
from apps.bills.models import BillSuggestionDismissal, Occurrence, RecurringItem
from apps.budgets.models import Budget
from apps.imports.models import ImportBatch, MappingProfile
from apps.notifications.models import (
    DigestPreference,
    NotificationPreference,
    PushSubscription,
    QuietHours,
    Webhook,
)
from apps.rewards.models import PointsEntry
from apps.rules.models import Rule, RulePreferences
from apps.transactions.exports import csv_rows, neutralise
from apps.transactions.models import Attachment, Category, CategoryPreference, Transaction
from apps.users.models import KnownDevice, User
from apps.users.signals import data_export_files

CHUNK_SIZE = 2000
SPOOL_MAX_BYTES = 8 * 1024 * 1024
WRITE_BUFFER = 64 * 1024
# Never exported, whichever model has them (see the module docstring).
SECRET_FIELDS = frozenset({"owner_id", "user_id", "secret", "p256dh", "auth", "endpoint", "content", "actor_id"})
PROFILE_FIELDS = ("id", "email", "display_name", "time_zone", "default_currency", "locale", "date_joined",
                  "last_login")


@dataclass(frozen=True)
class ExportFile:
    name: str
    queryset: QuerySet
    columns: tuple[str, ...]


def _columns(model: type[Model], *extra: str) -> tuple[str, ...]:
    """Every stored column of ``model`` but the secret ones, then ``extra`` look-ups."""
    return tuple(f.attname for f in model._meta.concrete_fields if f.attname not in SECRET_FIELDS) + extra


def export_tables(*, user) -> list[ExportFile]:
    """The CSV files of the zip (but the profile and the transactions), each scoped to ``user``."""
    mine = Q(owner=user)
    return [
        ExportFile("accounts.csv", Account.objects.filter(mine).order_by("id"), _columns(Account)),
        ExportFile("categories.csv", Category.objects.filter(mine).order_by("id"), _columns(Category)),
        ExportFile("category_preferences.csv", CategoryPreference.objects.filter(mine).order_by("id"),
                   _columns(CategoryPreference, "category__name")),
        ExportFile("budgets.csv", Budget.objects.filter(mine).order_by("id"), _columns(Budget, "category__name")),
        ExportFile("recurring_items.csv", RecurringItem.objects.filter(mine).order_by("id"),
                   _columns(RecurringItem, "account__name", "category__name")),
        ExportFile("recurring_occurrences.csv",
                   Occurrence.objects.filter(item__owner=user).order_by("item_id", "due_on", "id"),
                   _columns(Occurrence, "item__name")),
        ExportFile("bill_suggestions_dismissed.csv", BillSuggestionDismissal.objects.filter(mine).order_by("id"),
                   _columns(BillSuggestionDismissal)),
        ExportFile("rules.csv", Rule.objects.filter(mine).order_by("position", "id"),
                   _columns(Rule, "set_category__name")),
        ExportFile("rule_preferences.csv", RulePreferences.objects.filter(mine), _columns(RulePreferences)),
        ExportFile("import_batches.csv", ImportBatch.objects.filter(mine).order_by("id"), _columns(ImportBatch)),
        ExportFile("import_mappings.csv", MappingProfile.objects.filter(mine).order_by("id"),
                   _columns(MappingProfile)),
        ExportFile("alerts.csv", Alert.objects.filter(mine).order_by("id"), _columns(Alert)),
        ExportFile("notification_preferences.csv", NotificationPreference.objects.filter(mine).order_by("id"),
                   _columns(NotificationPreference)),
        ExportFile("quiet_hours.csv", QuietHours.objects.filter(mine), _columns(QuietHours)),
        ExportFile("digest_preference.csv", DigestPreference.objects.filter(mine), _columns(DigestPreference)),
        ExportFile("webhooks.csv", Webhook.objects.filter(mine).order_by("id"), _columns(Webhook)),
        ExportFile("push_subscriptions.csv", PushSubscription.objects.filter(mine).order_by("id"),
                   _columns(PushSubscription)),
        ExportFile("reward_points.csv", PointsEntry.objects.filter(mine).order_by("id"), _columns(PointsEntry)),
        ExportFile("onboarding.csv", OnboardingProgress.objects.filter(mine), _columns(OnboardingProgress)),
        ExportFile("known_devices.csv", KnownDevice.objects.filter(user=user).order_by("id"), _columns(KnownDevice)),
        # The files themselves are in receipts/ (attachment_files); here what each is and its entry.
        ExportFile("receipts.csv", Attachment.objects.filter(mine).order_by("id"),
                   tuple(c for c in _columns(Attachment) if c != "data")),
    ]


def attachment_files(*, user) -> Iterator[tuple[str, bytes]]:
    """Each receipt kept with an entry: ``receipts/<id>-<name>`` (the id of receipts.csv), one
    file in memory at a time."""
    files = Attachment.objects.filter(owner=user).order_by("id").values_list("id", "name", "data")
    for pk, name, data in files.iterator(chunk_size=1):
        yield f"receipts/{pk}-{name}", bytes(data)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return neutralise(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))
    return neutralise(str(value))


class _Echo:
    def write(self, value):
        return value


def csv_lines(columns: tuple[str, ...], rows: Iterable[tuple]) -> Iterator[str]:
    """The CSV lines of one file, header first, each value written by ``_cell``."""
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def table_rows(export: ExportFile) -> Iterator[str]:
    """The CSV lines of one file: one query, read in chunks."""
    return csv_lines(export.columns, export.queryset.values_list(*export.columns).iterator(chunk_size=CHUNK_SIZE))


def profile_json(*, user) -> str:
    profile = {field: getattr(user, field) for field in PROFILE_FIELDS}
    return json.dumps({"profile": profile}, cls=DjangoJSONEncoder, indent=2, sort_keys=True) + "\n"


def export_files(*, user) -> Iterator[tuple[str, Iterator[str]]]:
    """(name, lines) for every file of the zip, in order."""
    yield "profile.json", iter([profile_json(user=user)])
    entries = Transaction.objects.filter(owner=user).order_by("occurred_on", "id")
    yield "transactions.csv", csv_rows(entries)
    for export in export_tables(user=user):
        yield export.name, table_rows(export)
    # The files of apps above the profile (the audit trail's security activity): data_export_files.
    for _receiver, files in data_export_files.send(sender=User, user=user):
        for name, columns, rows in files:
            yield name, csv_lines(columns, rows)


def export_zip(*, user) -> tuple[tempfile.SpooledTemporaryFile, list[str]]:
    """The zip of everything ``user`` owns, rewound, and the names of its files."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # noqa: SIM115 (the response closes it)
    names = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, lines in export_files(user=user):
            names.append(name)
            with archive.open(name, "w", force_zip64=True) as member:
                buffer: list[str] = []
                size = 0
                for line in lines:
                    buffer.append(line)
                    size += len(line)
                    if size >= WRITE_BUFFER:
                        member.write("".join(buffer).encode("utf-8"))
                        buffer, size = [], 0
                member.write("".join(buffer).encode("utf-8"))
        for name, data in attachment_files(user=user):
            names.append(name)
            archive.writestr(name, data)
    spool.seek(0)
    return spool, names

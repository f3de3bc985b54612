"""The list's index (owner, -occurred_on, -id) now carries the kind (INCLUDE), so the list's
capped count and a deep page's ids are index-only scans (issue 17, bench/RESULTS.md). Built
CONCURRENTLY before the old one is dropped: no lock on the ledger while a large one is indexed."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("transactions", "0007_daily_totals"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="transaction",
            index=models.Index(fields=["owner", "-occurred_on", "-id"], include=["kind"],
                               name="tx_owner_date_kind_idx"),
        ),
        RemoveIndexConcurrently(model_name="transaction", name="tx_owner_date_idx"),
    ]

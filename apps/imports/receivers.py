"""The imports' one receiver: a category merge (apps.transactions.signals.category_merged)
moves the categories of the user's previews not yet confirmed, in the merge's transaction."""

from .models import BatchStatus, ImportRow

OPEN_STATUSES = (BatchStatus.MAPPING, BatchStatus.PREVIEWED)


def move_preview_rows_on_category_merge(sender, *, user, source, target, **kwargs):
    ImportRow.objects.filter(batch__owner=user, batch__status__in=OPEN_STATUSES, category=source).update(
        category=target)

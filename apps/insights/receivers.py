"""The insights' one receiver: a ledger change to an expense forgets the merchant groups of
its month (apps.insights.merchants), in the ledger's transaction."""

from apps.transactions.models import Transaction

from .merchants import merchant_months_forget


def forget_merchant_months(sender, *, user, changes, **kwargs):
    merchant_months_forget(user_id=user.pk, months=[c.occurred_on for c in changes
                                                    if c.kind == Transaction.Kind.EXPENSE])

"""The rules' one receiver: a category merge (apps.transactions.signals.category_merged)
points the user's rules that set ``source`` at ``target``, in the merge's transaction."""

from .models import Rule


def move_rules_on_category_merge(sender, *, user, source, target, **kwargs):
    Rule.objects.filter(owner=user, set_category=source).update(set_category=target)

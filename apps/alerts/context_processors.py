from django.utils.functional import SimpleLazyObject


def unread_alerts(request):
    """The unread alert count for the navigation badge: one query, only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import unread_count

    return {"unread_alert_count": SimpleLazyObject(lambda: unread_count(user=user))}

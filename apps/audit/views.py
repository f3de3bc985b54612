"""The customer's own security activity (apps.audit.selectors): the one page of the audit trail
a customer sees."""

from django.shortcuts import render

from .selectors import security_activity


def activity(request):
    """``/settings/activity/?page=N``: sign-ins, failed attempts on the customer's address and
    changes to how they sign in, newest first."""
    page = security_activity(user=request.user, page=request.GET.get("page"))
    return render(request, "audit/activity.html", {"page_obj": page, "lines": page.object_list})

"""Rewards pages: the customer's points and their history, and the total as JSON."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from apps.core.api import json_endpoint, json_response

from . import selectors
from .models import BILL_ON_TIME_POINTS, format_points

PAGE_SIZE = 25


@require_safe
def rewards_page(request):
    page = Paginator(selectors.points_entries(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rewards/rewards.html", {
        "total": format_points(selectors.points_total(user=request.user)), "page_obj": page,
        "entries": page.object_list,
        "bill_points": BILL_ON_TIME_POINTS,
    })


@json_endpoint
def rewards_summary(request):
    """``GET /rewards/summary``: ``{"total_points": N}``."""
    return json_response({"total_points": selectors.points_total(user=request.user)})
